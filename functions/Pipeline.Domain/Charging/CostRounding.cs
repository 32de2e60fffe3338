using Pipeline.Domain.Monetary;

namespace Pipeline.Domain.Charging;

/// <summary>
/// The one rounding a session's price goes through: the exact total is rounded to minor units half away from zero (as
/// OCPI's examples round: 5.125 → 5.13), and the lines are apportioned to add up to it exactly — each rounded down, the
/// minor units left over going to the lines with the largest remainders (the earlier line first on a tie). So the total
/// is never off by the sum of the lines' roundings (OCPI's complex example: 2.875 + 3.30 + 4.125 = 10.30, not 10.31).
/// </summary>
public static class CostRounding
{
    public static Cost[] Apportion(IReadOnlyList<Cost> exact, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(exact);
        var exclVat = Apportion([.. exact.Select(c => c.ExclVat)], currency.Exponent);
        var inclVat = Apportion([.. exact.Select(c => c.InclVat)], currency.Exponent);
        return [.. exclVat.Zip(inclVat, (e, i) => new Cost(e, i))];
    }

    private static decimal[] Apportion(decimal[] exact, int exponent)
    {
        var unit = 1m / Pow10(exponent);
        var total = Math.Round(exact.Sum(), exponent, MidpointRounding.AwayFromZero);
        var lines = exact.Select(x => Math.Floor(x / unit) * unit).ToArray();
        var left = (int)((total - lines.Sum()) / unit);
        foreach (var index in Enumerable.Range(0, exact.Length).OrderByDescending(i => exact[i] - lines[i]).ThenBy(i => i).Take(left))
        {
            lines[index] += unit;
        }

        return lines;
    }

    /// <summary>An amount already rounded to minor units (a price's total, a line), as a count of them.</summary>
    public static long ToMinor(decimal rounded, Currency currency) => decimal.ToInt64(rounded * Pow10(currency.Exponent));

    internal static decimal Pow10(int exponent) => exponent == 0 ? 1m : 10m * Pow10(exponent - 1);
}
