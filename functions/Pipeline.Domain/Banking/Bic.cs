using System.Diagnostics.CodeAnalysis;

namespace Pipeline.Domain.Banking;

/// <summary>
/// Business Identifier Codes (ISO 9362), checked for shape only: whether a BIC is registered is for the bank to say.
/// Four letters name the institution, two letters its country, two letters or digits its location, and an optional
/// three its branch ("XXX" is the head office, which is why the short and long forms of one BIC both occur).
/// </summary>
public static class Bic
{
    private const int InstitutionLength = 4;
    private const int CountryLength = 2;
    private const int LocationStart = InstitutionLength + CountryLength;

    /// <summary>
    /// The BIC in upper case without spaces, if <paramref name="input"/> has the shape of one: institution and country
    /// letters only (the rest is letters or digits, which <see cref="AlphanumericCode.Compact"/> already ensures).
    /// </summary>
    public static bool TryNormalize([NotNullWhen(true)] string? input, out string bic)
    {
        bic = "";
        var code = AlphanumericCode.Compact(input, BankingLimits.BicLengthLong);
        if (code is null || code.Length is not (BankingLimits.BicLengthShort or BankingLimits.BicLengthLong)
            || code.AsSpan(0, LocationStart).ContainsAnyExceptInRange('A', 'Z'))
        {
            return false;
        }

        bic = code;
        return true;
    }
}
