using System.Diagnostics.CodeAnalysis;

namespace Pipeline.Domain.Banking;

/// <summary>
/// Structured creditor references (ISO 11649): "RF", two check digits and up to 21 letters or digits of the
/// creditor's own reference. The check digits are the IBAN's (ISO 7064 MOD 97-10), so a payer's typing slip is
/// caught before the money leaves and reconciliation can match the reference exactly.
/// </summary>
public static class CreditorReference
{
    private const string Prefix = "RF";

    /// <summary>The reference in the electronic format, if <paramref name="input"/> is one (spaces and lower case allowed).</summary>
    public static bool TryNormalize([NotNullWhen(true)] string? input, out string reference)
    {
        reference = "";
        var code = AlphanumericCode.Compact(input, AlphanumericCode.PrefixLength + BankingLimits.CreditorReferenceBodyLengthMax);
        if (code is null || !code.StartsWith(Prefix, StringComparison.Ordinal) || !AlphanumericCode.HasValidCheckDigits(code))
        {
            return false;
        }

        reference = code;
        return true;
    }

    /// <summary>
    /// The creditor reference for the creditor's own <paramref name="reference"/> (1 to 21 letters or digits; spaces
    /// and lower case allowed): "RF", the check digits, the reference. Throws <see cref="ArgumentException"/> otherwise.
    /// </summary>
    public static string Create(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var body = AlphanumericCode.Compact(reference, BankingLimits.CreditorReferenceBodyLengthMax)
            ?? throw new ArgumentException(
                $"A creditor reference carries 1 to {BankingLimits.CreditorReferenceBodyLengthMax} letters and digits; '{reference}' does not.",
                nameof(reference));
        return $"{Prefix}{AlphanumericCode.CheckDigits(Prefix, body)}{body}";
    }
}
