using System.Globalization;

namespace Pipeline.Domain.Monetary;

/// <summary>
/// An amount of money: an integer number of minor units (cents, yen, fils) in one currency. Arithmetic is
/// checked: mixing currencies throws <see cref="CurrencyMismatchException"/> and overflow throws
/// <see cref="OverflowException"/>, because a wrapped or converted amount would silently create money.
/// </summary>
public readonly record struct Money(long Minor, Currency Currency) : IComparable<Money>
{
    public static Money Zero(Currency currency) => new(0, currency);

    public bool IsZero => Minor == 0;

    public bool IsNegative => Minor < 0;

    public static Money operator +(Money left, Money right) =>
        new(checked(left.Minor + SameCurrency(left, right).Minor), left.Currency);

    public static Money operator -(Money left, Money right) =>
        new(checked(left.Minor - SameCurrency(left, right).Minor), left.Currency);

    public static Money operator -(Money value) => new(checked(-value.Minor), value.Currency);

    public static bool operator <(Money left, Money right) => left.CompareTo(right) < 0;

    public static bool operator >(Money left, Money right) => left.CompareTo(right) > 0;

    public static bool operator <=(Money left, Money right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Money left, Money right) => left.CompareTo(right) >= 0;

    public Money Add(Money other) => this + other;

    public Money Subtract(Money other) => this - other;

    public Money Negate() => -this;

    public int CompareTo(Money other) => Minor.CompareTo(SameCurrency(this, other).Minor);

    /// <summary>
    /// Parses a major-unit decimal string such as "12.34" for EUR into 1234 minor units. Accepts an optional
    /// leading minus, digits, and at most <see cref="Currency.Exponent"/> fraction digits; rejects exponents,
    /// thousands separators, and anything that would need rounding or overflow a long.
    /// </summary>
    public static bool TryParseMajor(string? text, Currency currency, out Money money)
    {
        money = default;
        if (!currency.IsKnown || string.IsNullOrEmpty(text))
        {
            return false;
        }

        var negative = text[0] == '-';
        var body = negative ? text.AsSpan(1) : text.AsSpan();
        var dot = body.IndexOf('.');
        var whole = dot < 0 ? body : body[..dot];
        var fraction = dot < 0 ? [] : body[(dot + 1)..];
        if (whole.IsEmpty || !AllDigits(whole) || !AllDigits(fraction) || (dot >= 0 && fraction.IsEmpty)
            || fraction.Length > currency.Exponent)
        {
            return false;
        }

        try
        {
            long minor = 0;
            foreach (var c in whole)
            {
                minor = checked((minor * 10) + (c - '0'));
            }

            for (var i = 0; i < currency.Exponent; i++)
            {
                minor = checked((minor * 10) + (i < fraction.Length ? fraction[i] - '0' : 0));
            }

            money = new Money(negative ? -minor : minor, currency);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>Formats in major units with exactly the currency's exponent, e.g. "-12.30"; invariant culture.</summary>
    public string ToMajorString()
    {
        var exponent = Currency.Exponent;
        // -(Minor + 1) + 1 avoids negating long.MinValue, which has no positive counterpart.
        var magnitude = (Minor < 0 ? (ulong)-(Minor + 1) + 1 : (ulong)Minor).ToString(CultureInfo.InvariantCulture);
        var sign = Minor < 0 ? "-" : "";
        if (exponent == 0)
        {
            return sign + magnitude;
        }

        magnitude = magnitude.PadLeft(exponent + 1, '0');
        return string.Concat(sign, magnitude.AsSpan(0, magnitude.Length - exponent), ".", magnitude.AsSpan(magnitude.Length - exponent));
    }

    /// <summary>"12.34 EUR".</summary>
    public override string ToString() => Currency.IsKnown ? $"{ToMajorString()} {Currency.Code}" : $"{Minor} (no currency)";

    private static Money SameCurrency(Money left, Money right) =>
        left.Currency == right.Currency ? right : throw new CurrencyMismatchException(left.Currency, right.Currency);

    private static bool AllDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Thrown when code combines amounts of two currencies: a programmer error, never a user outcome.</summary>
public sealed class CurrencyMismatchException(Currency left, Currency right)
    : InvalidOperationException($"Cannot combine {left} and {right} amounts.");
