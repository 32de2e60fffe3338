namespace Pipeline.Domain.Charging;

/// <summary>
/// How much to hold for a session before it starts: the most the tariff can charge a session that delivers at most
/// <c>energyKwh</c> in at most <c>hours</c>, whatever the time of day, the restrictions or the split between charging
/// and parking. Each dimension at the dearest price any element gives it (VAT included), charging and parking time
/// together at the dearer of the two (they never overlap), one step more of each for step_size, the flat fee at its
/// dearest, then min_price and max_price: never less than <see cref="TariffPricing"/> charges such a session.
/// </summary>
public static class HoldSizing
{
    /// <summary>The bound in minor units, rounded up; at least one minor unit, so every session holds something.</summary>
    public static long UpperBoundMinor(Tariff tariff, decimal energyKwh, decimal hours)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        ArgumentOutOfRangeException.ThrowIfNegative(energyKwh);
        ArgumentOutOfRangeException.ThrowIfNegative(hours);
        var components = tariff.Elements.SelectMany(e => e.PriceComponents).ToList();
        decimal Dearest(params TariffDimension[] dimensions) =>
            components.Where(c => dimensions.Contains(c.Type)).Select(c => c.WithVat(c.Price)).DefaultIfEmpty(0m).Max();
        decimal LargestStep(params TariffDimension[] dimensions) =>
            components.Where(c => dimensions.Contains(c.Type)).Select(c => (decimal)c.StepSize).DefaultIfEmpty(0m).Max();

        var bound = Dearest(TariffDimension.Flat)
            + (Dearest(TariffDimension.Energy) * (energyKwh + (LargestStep(TariffDimension.Energy) / 1000m)))
            + (Dearest(TariffDimension.Time, TariffDimension.ParkingTime) * (hours + (LargestStep(TariffDimension.Time, TariffDimension.ParkingTime) / 3600m)));
        // A bound without incl_vat keeps the session's VAT share, at most the highest VAT any component carries.
        var vatFactor = 1m + (components.Select(c => c.VatPercent ?? 0m).DefaultIfEmpty(0m).Max() / 100m);
        if (tariff.MinPrice is { } min)
        {
            bound = Math.Max(bound, min.InclVat ?? min.ExclVat * vatFactor);
        }

        // max_price lowers the bound only when it says what it costs with VAT: without incl_vat, a min_price's VAT share
        // can make the bounded total's incl_vat exceed max_price.excl_vat × the highest VAT (found in review).
        if (tariff.MaxPrice is { InclVat: { } maxIncl })
        {
            bound = Math.Min(bound, maxIncl);
        }

        var minor = Math.Ceiling(bound * CostRounding.Pow10(tariff.Currency.Exponent));
        return Math.Max(1L, (long)minor);
    }
}
