using System.Globalization;
using Pipeline.Domain.Banking;

namespace Pipeline.Domain.Collection;

/// <summary>
/// Virtual collection accounts: IBANs in <see cref="CountryCode"/> whose BBAN is the bank's <see cref="BankPrefix"/> (its
/// bank code and the platform's range, as the bank that holds the collection account gives it out) followed by a
/// serial number the collection store hands out once per payer (or per collection). An incoming credit's IBAN then
/// names its payer without anyone reading the statement: <see cref="SerialOf"/> turns it back.
/// </summary>
public sealed record VirtualAccountScheme
{
    /// <summary>At least this many serial digits: a million payers per platform.</summary>
    public const int SerialDigitsMin = 6;

    private VirtualAccountScheme(string countryCode, string bankPrefix, int serialDigits)
    {
        (CountryCode, BankPrefix, SerialDigits) = (countryCode, bankPrefix, serialDigits);
    }

    public string CountryCode { get; }
    public string BankPrefix { get; }

    /// <summary>Digits left in the BBAN for the serial (zero-padded).</summary>
    public int SerialDigits { get; }

    /// <summary>The largest serial the scheme can write.</summary>
    public long SerialMax => (long)Math.Pow(10, Math.Min(SerialDigits, 18)) - 1;

    /// <summary>
    /// The scheme, or why not: the country must be in the IBAN registry and the prefix letters and digits that leave at
    /// least <see cref="SerialDigitsMin"/> digits of its BBAN.
    /// </summary>
    public static VirtualAccountScheme? TryCreate(string countryCode, string bankPrefix, out string? error)
    {
        ArgumentNullException.ThrowIfNull(countryCode);
        ArgumentNullException.ThrowIfNull(bankPrefix);
        var country = countryCode.ToUpperInvariant();
        var prefix = bankPrefix.ToUpperInvariant();
        if (!IbanRegistry.LengthByCountry.TryGetValue(country, out var length))
        {
            error = $"'{countryCode}' is not a country of the IBAN registry.";
            return null;
        }

        var serialDigits = length - AlphanumericCode.PrefixLength - prefix.Length;
        if (prefix.Length == 0 || !prefix.All(char.IsAsciiLetterOrDigit) || serialDigits < SerialDigitsMin)
        {
            error = $"A bank prefix in {country} is 1 to {length - AlphanumericCode.PrefixLength - SerialDigitsMin} letters and digits, leaving {SerialDigitsMin} digits for payers.";
            return null;
        }

        error = null;
        return new VirtualAccountScheme(country, prefix, serialDigits);
    }

    /// <summary>The IBAN of serial number <paramref name="serial"/> (1 to <see cref="SerialMax"/>).</summary>
    public string IbanOf(long serial)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(serial, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(serial, SerialMax);
        return Iban.WithCheckDigits(CountryCode, BankPrefix + serial.ToString(new string('0', SerialDigits), CultureInfo.InvariantCulture));
    }

    /// <summary>The serial number an IBAN of this scheme carries, or null for any other IBAN (or text that is none).</summary>
    public long? SerialOf(string? iban)
    {
        if (!Iban.TryNormalize(iban, out var normalized) || !normalized.StartsWith(CountryCode, StringComparison.Ordinal)
            || !normalized.AsSpan(AlphanumericCode.PrefixLength).StartsWith(BankPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var digits = normalized.AsSpan(AlphanumericCode.PrefixLength + BankPrefix.Length);
        return digits.Length == SerialDigits && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var serial) && serial > 0 ? serial : null;
    }
}
