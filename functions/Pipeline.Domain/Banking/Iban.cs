using System.Diagnostics.CodeAnalysis;

namespace Pipeline.Domain.Banking;

/// <summary>
/// International Bank Account Numbers (ISO 13616). People write them in groups of four and sometimes in lower case;
/// banks exchange the electronic format (upper case, no spaces), so every IBAN is normalized once at the edge and
/// checked three ways: the shape (country code, two check digits, letters and digits), the country's exact length
/// from <see cref="IbanRegistry"/>, and the ISO 7064 MOD 97-10 check, which catches every single-character slip and
/// almost every swap of neighbours.
/// </summary>
public static class Iban
{
    private const int CountryCodeLength = 2;

    /// <summary>The display format groups the electronic format in fours from the left.</summary>
    private const int DisplayGroupLength = 4;

    /// <summary>
    /// The IBAN in the electronic format, if <paramref name="input"/> is one (spaces and lower case allowed); an
    /// unknown country, a wrong length or failed check digits refuse it.
    /// </summary>
    public static bool TryNormalize([NotNullWhen(true)] string? input, out string iban)
    {
        iban = "";
        var code = AlphanumericCode.Compact(input, BankingLimits.IbanLengthMax);
        if (code is null || code.Length <= AlphanumericCode.PrefixLength
            || !IbanRegistry.LengthByCountry.TryGetValue(code[..CountryCodeLength], out var length)
            || code.Length != length || !AlphanumericCode.HasValidCheckDigits(code))
        {
            return false;
        }

        iban = code;
        return true;
    }

    /// <summary>
    /// The IBAN of <paramref name="bban"/> (the national account number) in <paramref name="countryCode"/>, with its
    /// check digits computed. Throws <see cref="ArgumentException"/> for a country not in the registry, a BBAN
    /// with anything but letters and digits, or a BBAN that does not make the country's length.
    /// </summary>
    public static string WithCheckDigits(string countryCode, string bban)
    {
        ArgumentNullException.ThrowIfNull(countryCode);
        ArgumentNullException.ThrowIfNull(bban);
        var country = AlphanumericCode.Compact(countryCode, CountryCodeLength);
        if (country is null || !IbanRegistry.LengthByCountry.TryGetValue(country, out var length))
        {
            throw new ArgumentException($"'{countryCode}' is not a country of the IBAN registry.", nameof(countryCode));
        }

        var body = AlphanumericCode.Compact(bban, BankingLimits.IbanLengthMax);
        if (body is null || AlphanumericCode.PrefixLength + body.Length != length)
        {
            throw new ArgumentException(
                $"A BBAN in {country} has {length - AlphanumericCode.PrefixLength} letters and digits; '{bban}' does not.", nameof(bban));
        }

        return $"{country}{AlphanumericCode.CheckDigits(country, body)}{body}";
    }

    /// <summary>The IBAN in groups of four, as printed for people ("DE89 3704 0044 0532 0130 00"); throws if it is not one.</summary>
    public static string Format(string iban)
    {
        if (!TryNormalize(iban, out var normalized))
        {
            throw new ArgumentException($"'{iban}' is not a valid IBAN.", nameof(iban));
        }

        return string.Join(' ', normalized.Chunk(DisplayGroupLength).Select(group => new string(group)));
    }
}
