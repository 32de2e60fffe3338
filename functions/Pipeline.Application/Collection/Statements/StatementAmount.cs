using System.Globalization;
using System.Xml.Linq;
using Pipeline.Application.Standards;

namespace Pipeline.Application.Collection.Statements;

/// <summary>
/// An amount of a statement in minor units. camt.053 writes amounts as decimals of up to 5 places in any
/// three-letter code; the platform keeps minor units of active ISO 4217 currencies in a long, so a code it does not
/// know, a fraction of a minor unit, or more than a long holds is an error — never rounded, never an exception.
/// </summary>
internal readonly record struct StatementAmount(long Minor, string Currency)
{
    /// <summary>xs:decimal: an optional sign, a point, and whitespace the schema collapses.</summary>
    private const NumberStyles DecimalStyle = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint
        | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;

    /// <summary>The Amt of <paramref name="owner"/> (a Bal, an Ntry or a TxDtls) with its Ccy; null after an error.</summary>
    public static StatementAmount? Of(XElement owner, SchemaReading reading)
    {
        if (owner.Find("Amt") is not { } amount)
        {
            return Refuse(owner, reading, $"{owner.Name.LocalName} has no Amt.");
        }

        var code = (string?)amount.Attribute("Ccy") ?? "";
        if (!Domain.Monetary.Currency.TryParse(code, out var currency))
        {
            return Refuse(amount, reading, $"'{code}' is not an active ISO 4217 currency.");
        }

        if (!decimal.TryParse(amount.Value, DecimalStyle, CultureInfo.InvariantCulture, out var major) || major < 0)
        {
            return Refuse(amount, reading, $"'{amount.Value.Trim()}' is not an amount (a decimal of at least 0).");
        }

        // Bounded before scaling, so multiplying by at most 10^4 (ISO 4217's largest exponent) cannot overflow a decimal.
        var minor = major <= long.MaxValue ? major * PowerOfTen(currency.Exponent) : decimal.MaxValue;
        if (minor != decimal.Truncate(minor))
        {
            return Refuse(amount, reading, $"'{amount.Value.Trim()}' has more decimals than the {currency.Exponent} of {code}.");
        }

        return minor <= long.MaxValue
            ? new StatementAmount((long)minor, currency.Code)
            : Refuse(amount, reading, $"'{amount.Value.Trim()}' {code} is more minor units than the platform holds ({long.MaxValue}).");
    }

    private static decimal PowerOfTen(int exponent)
    {
        var power = 1m;
        for (var place = 0; place < exponent; place++)
        {
            power *= 10;
        }

        return power;
    }

    private static StatementAmount? Refuse(XElement element, SchemaReading reading, string message)
    {
        reading.Add(Camt053Xml.ErrorAt(element, message));
        return null;
    }
}
