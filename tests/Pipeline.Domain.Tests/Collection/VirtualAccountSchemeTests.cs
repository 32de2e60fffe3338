using Pipeline.Domain.Banking;
using Pipeline.Domain.Collection;

namespace Pipeline.Domain.Tests.Collection;

public sealed class VirtualAccountSchemeTests
{
    [Fact]
    public void A_serial_becomes_a_valid_iban_under_the_bank_prefix_and_back()
    {
        var scheme = VirtualAccountScheme.TryCreate("DE", "37040044", out var error)!;
        Assert.Null(error);
        Assert.Equal(10, scheme.SerialDigits);

        var iban = scheme.IbanOf(532013000);
        Assert.Equal("DE89370400440532013000", iban); // the ISO 13616 example account: serial 0532013000
        Assert.True(Iban.TryNormalize(iban, out _));
        Assert.Equal(532013000, scheme.SerialOf("de89 3704 0044 0532 0130 00"));
        foreach (var serial in new long[] { 1, 42, 9_999_999_999 })
        {
            Assert.Equal(serial, scheme.SerialOf(scheme.IbanOf(serial)));
        }
    }

    [Theory]
    [InlineData("DE89370400440532013001")] // a check digit slip
    [InlineData("DE02120300000000202051")] // another bank's account
    [InlineData("NL91ABNA0417164300")] // another country
    [InlineData("DE60370400440000000000")] // serial 0 is never given out
    [InlineData("not an iban")]
    [InlineData(null)]
    public void Any_other_account_names_no_payer(string? iban) =>
        Assert.Null(VirtualAccountScheme.TryCreate("DE", "37040044", out _)!.SerialOf(iban));

    [Theory]
    [InlineData("XX", "1234", false)] // not in the registry
    [InlineData("DE", "", false)] // no prefix
    [InlineData("DE", "37-40", false)] // not letters and digits
    [InlineData("DE", "370400440532", true)] // a German BBAN is 18: 6 digits left
    [InlineData("DE", "3704004405320", false)] // 5 digits left: too few payers
    public void A_scheme_needs_a_registry_country_and_a_prefix_that_leaves_six_digits(string country, string prefix, bool valid)
    {
        var scheme = VirtualAccountScheme.TryCreate(country, prefix, out var error);
        Assert.Equal((valid, !valid), (scheme is not null, error is not null));
    }
}
