using Pipeline.Domain.Monetary;

namespace Pipeline.Domain.Charging;

/// <summary>A cost excluding and including VAT (OCPI Price).</summary>
public readonly record struct Cost(decimal ExclVat, decimal InclVat)
{
    public static Cost Zero { get; } = new(0m, 0m);

    public static Cost operator +(Cost left, Cost right) => new(left.ExclVat + right.ExclVat, left.InclVat + right.InclVat);

    public static Cost operator -(Cost left, Cost right) => new(left.ExclVat - right.ExclVat, left.InclVat - right.InclVat);

    public Cost Add(Cost other) => this + other;

    public Cost Subtract(Cost other) => this - other;
}

/// <summary>One period as priced: its volumes and what each dimension cost in it, exactly (the step-size surcharge included in the period whose price it uses).</summary>
public sealed record PricedPeriod(DateTimeOffset Start, decimal EnergyKwh, decimal TimeHours, decimal ParkingHours, Cost EnergyCost, Cost TimeCost, Cost ParkingCost);

/// <summary>
/// A session priced by <see cref="TariffPricing"/>, as OCPI's CDR totals in minor units (<see cref="CostRounding"/>):
/// <see cref="TotalCost"/> is the lines' sum after <see cref="PriceLimitAdjustment"/> (what min_price/max_price added or took
/// away, zero when neither applied), so the lines always add up to the total. Volumes: kWh and hours.
/// </summary>
public sealed record SessionPrice(
    Currency Currency,
    Cost TotalCost,
    Cost FixedCost,
    Cost EnergyCost,
    Cost TimeCost,
    Cost ParkingCost,
    Cost PriceLimitAdjustment,
    decimal TotalEnergyKwh,
    decimal TotalTimeHours,
    decimal TotalParkingHours,
    IReadOnlyList<PricedPeriod> Periods);
