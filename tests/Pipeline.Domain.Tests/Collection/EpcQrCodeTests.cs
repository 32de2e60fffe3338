using System.Text;
using Pipeline.Domain.Collection;

namespace Pipeline.Domain.Tests.Collection;

public sealed class EpcQrCodeTests
{
    [Fact]
    public void The_payload_is_the_epc_069_12_layout_with_the_structured_reference()
    {
        var payload = EpcQrCode.Of("Müller & Söhne GmbH", "de89 3704 0044 0532 0130 00", "COBADEFFXXX", 123_450, "RF18 5390 0754 7034", "Invoice 2026-117");
        Assert.Equal(
            "BCD\n002\n1\nSCT\nCOBADEFFXXX\nMuller + Sohne GmbH\nDE89370400440532013000\nEUR1234.50\n\nRF18539007547034\n\nInvoice 2026-117",
            payload);
    }

    [Fact]
    public void Without_a_bic_or_a_note_the_lines_are_empty_or_left_out()
    {
        var payload = EpcQrCode.Of("Shop", "DE89370400440532013000", null, 5, "RF18539007547034", null);
        Assert.Equal("BCD\n002\n1\nSCT\n\nShop\nDE89370400440532013000\nEUR0.05\n\nRF18539007547034", payload);
        Assert.True(Encoding.UTF8.GetByteCount(EpcQrCode.Of(new string('N', 200), "DE89370400440532013000", "COBADEFFXXX", EpcQrCode.AmountMinorMax,
            "RF18539007547034", new string('x', 200))) <= EpcQrCode.PayloadBytesMax);
    }

    [Theory]
    [InlineData("DE89370400440532013001", 100, "RF18539007547034")]
    [InlineData("DE89370400440532013000", 0, "RF18539007547034")]
    [InlineData("DE89370400440532013000", EpcQrCode.AmountMinorMax + 1, "RF18539007547034")]
    [InlineData("DE89370400440532013000", 100, "RF19539007547034")]
    public void A_bad_account_amount_or_reference_is_a_programming_error(string iban, long amount, string reference) =>
        Assert.ThrowsAny<ArgumentException>(() => EpcQrCode.Of("Shop", iban, null, amount, reference, null));
}
