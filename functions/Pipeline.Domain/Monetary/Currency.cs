using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Pipeline.Domain.Monetary;

/// <summary>
/// An active ISO 4217 currency. The value is the three-letter code packed into an int, so equality and hashing
/// are one integer compare on the hot path; the exponent and name come from <see cref="Iso4217Table"/>.
/// <c>default(Currency)</c> is "no currency" and is rejected wherever a currency is required.
/// </summary>
public readonly record struct Currency : IComparable<Currency>
{
    private static readonly FrozenDictionary<string, (ushort Numeric, byte MinorUnits, string Name)> ByCode =
        Iso4217Table.Entries.ToFrozenDictionary(e => e.Code, e => (e.Numeric, e.MinorUnits, e.Name), StringComparer.Ordinal);

    private readonly int packed;

    private Currency(int packed) => this.packed = packed;

    /// <summary>Every active currency, ordered by code.</summary>
    public static IReadOnlyList<Currency> All { get; } = [.. Iso4217Table.Entries.Select(e => Parse(e.Code))];

    public static Currency EUR { get; } = Parse("EUR");
    public static Currency USD { get; } = Parse("USD");
    public static Currency GBP { get; } = Parse("GBP");
    public static Currency JPY { get; } = Parse("JPY");
    public static Currency KWD { get; } = Parse("KWD");

    /// <summary>True for every currency except <c>default</c>.</summary>
    public bool IsKnown => packed != 0;

    /// <summary>The three-letter code, e.g. "EUR".</summary>
    public string Code => IsKnown
        ? string.Create(3, packed, static (span, p) =>
        {
            span[0] = (char)((p >> 16) & 0xFF);
            span[1] = (char)((p >> 8) & 0xFF);
            span[2] = (char)(p & 0xFF);
        })
        : "";

    /// <summary>The number of digits after the decimal point in the major unit (EUR 2, JPY 0, KWD 3).</summary>
    public int Exponent => Info.MinorUnits;

    /// <summary>The ISO 4217 numeric code, e.g. 978 for EUR.</summary>
    public int NumericCode => Info.Numeric;

    /// <summary>The English name from the ISO 4217 list.</summary>
    public string Name => Info.Name;

    private (ushort Numeric, byte MinorUnits, string Name) Info =>
        IsKnown ? ByCode[Code] : throw new InvalidOperationException("default(Currency) has no ISO 4217 data.");

    /// <summary>Parses an active ISO 4217 code; exact upper case, as the standard writes it.</summary>
    public static bool TryParse([NotNullWhen(true)] string? code, out Currency currency)
    {
        currency = default;
        if (code is null || !ByCode.ContainsKey(code))
        {
            return false;
        }

        currency = new Currency((code[0] << 16) | (code[1] << 8) | code[2]);
        return true;
    }

    /// <summary>Parses a code that is known to be valid (configuration, constants); throws otherwise.</summary>
    public static Currency Parse(string code) =>
        TryParse(code, out var currency)
            ? currency
            : throw new FormatException($"'{code}' is not an active ISO 4217 currency code.");

    public int CompareTo(Currency other) => packed.CompareTo(other.packed);

    public override string ToString() => Code;
}
