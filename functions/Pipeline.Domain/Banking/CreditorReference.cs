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
    /// The creditor reference a payer wrote into free remittance text ("Invoice 42, RF18 5390 0754 7034"), if any: at
    /// each "RF", the longest run of letters and digits (spaces between groups allowed, as people copy the printed
    /// form) that has valid check digits. Null when there is none.
    /// </summary>
    public static string? FindIn(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var upper = text.ToUpperInvariant();
        for (var start = upper.IndexOf(Prefix, StringComparison.Ordinal); start >= 0; start = upper.IndexOf(Prefix, start + 1, StringComparison.Ordinal))
        {
            var run = new System.Text.StringBuilder();
            for (var i = start; i < upper.Length && run.Length < AlphanumericCode.PrefixLength + BankingLimits.CreditorReferenceBodyLengthMax; i++)
            {
                if (char.IsAsciiLetterOrDigit(upper[i]))
                {
                    run.Append(upper[i]);
                }
                else if (upper[i] != ' ')
                {
                    break;
                }
            }

            for (var length = run.Length; length > AlphanumericCode.PrefixLength; length--)
            {
                if (TryNormalize(run.ToString(0, length), out var reference))
                {
                    return reference;
                }
            }
        }

        return null;
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
