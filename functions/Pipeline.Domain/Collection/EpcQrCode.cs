using System.Globalization;
using System.Text;
using Pipeline.Domain.Banking;

namespace Pipeline.Domain.Collection;

/// <summary>
/// The text of an EPC QR code ("GiroCode", EPC069-12 version 2.1) for a SEPA credit transfer: what a payer's banking app
/// scans to fill in a transfer — beneficiary, IBAN, amount and the structured creditor reference. Version 002 (the BIC
/// may be left out), character set 1 (UTF-8), lines separated by LF, trailing empty lines left out; at most 331 bytes.
/// </summary>
public static class EpcQrCode
{
    public const int PayloadBytesMax = 331;

    /// <summary>The largest amount the code carries: 999,999,999.99 EUR.</summary>
    public const long AmountMinorMax = 99_999_999_999;

    private const int BeneficiaryToOriginatorLengthMax = 70;

    /// <summary>The payload for <paramref name="amountMinor"/> EUR cents to <paramref name="iban"/>, quoting <paramref name="creditorReference"/> (RF…).</summary>
    /// <param name="note">Shown to the payer by the app (not sent with the transfer); cut to 70 characters.</param>
    public static string Of(string beneficiaryName, string iban, string? bic, long amountMinor, string creditorReference, string? note)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(amountMinor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(amountMinor, AmountMinorMax);
        if (!Iban.TryNormalize(iban, out var account))
        {
            throw new ArgumentException($"'{iban}' is not an IBAN.", nameof(iban));
        }

        if (!CreditorReference.TryNormalize(creditorReference, out var reference))
        {
            throw new ArgumentException($"'{creditorReference}' is not a creditor reference (ISO 11649).", nameof(creditorReference));
        }

        var name = SepaText.Transliterate(beneficiaryName, BankingLimits.SepaNameLengthMax);
        if (name.Length == 0)
        {
            throw new ArgumentException("A beneficiary name with nothing the SEPA character set can write.", nameof(beneficiaryName));
        }

        var agent = bic is not null && Bic.TryNormalize(bic, out var normalizedBic) ? normalizedBic : "";
        var amount = string.Create(CultureInfo.InvariantCulture, $"EUR{amountMinor / 100}.{amountMinor % 100:D2}");
        string[] lines =
        [
            "BCD", "002", "1", "SCT", agent, name, account, amount, "", reference, "",
            SepaText.Transliterate(note ?? "", BeneficiaryToOriginatorLengthMax),
        ];
        var payload = string.Join('\n', lines).TrimEnd('\n');
        return Encoding.UTF8.GetByteCount(payload) <= PayloadBytesMax
            ? payload
            : throw new InvalidOperationException($"An EPC QR payload came out at {Encoding.UTF8.GetByteCount(payload)} bytes, over {PayloadBytesMax}.");
    }
}
