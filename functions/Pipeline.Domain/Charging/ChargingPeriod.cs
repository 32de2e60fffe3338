namespace Pipeline.Domain.Charging;

/// <summary>What a charging period measured (OCPI CdrDimensionType): energy in kWh, times in hours, current in A, power in kW.</summary>
public enum PeriodDimension
{
    Energy,
    Time,
    ParkingTime,
    Current,
    MinCurrent,
    MaxCurrent,
    Power,
    MinPower,
    MaxPower,
}

/// <summary>
/// One OCPI charging period: from <see cref="Start"/> until the next period starts (the last until the session ends),
/// with what was measured in it. A dimension it does not carry is zero (volumes) or unknown (current, power).
/// </summary>
public sealed record ChargingPeriod(DateTimeOffset Start, IReadOnlyDictionary<PeriodDimension, decimal> Dimensions)
{
    public decimal EnergyKwh => Volume(PeriodDimension.Energy);

    public decimal TimeHours => Volume(PeriodDimension.Time);

    public decimal ParkingHours => Volume(PeriodDimension.ParkingTime);

    /// <summary>The current a lower bound is checked against: the least measured, else the average, else the most.</summary>
    public decimal? CurrentForMin => First(PeriodDimension.MinCurrent, PeriodDimension.Current, PeriodDimension.MaxCurrent);

    /// <summary>The current an upper bound is checked against: the most measured, else the average, else the least.</summary>
    public decimal? CurrentForMax => First(PeriodDimension.MaxCurrent, PeriodDimension.Current, PeriodDimension.MinCurrent);

    public decimal? PowerForMin => First(PeriodDimension.MinPower, PeriodDimension.Power, PeriodDimension.MaxPower);

    public decimal? PowerForMax => First(PeriodDimension.MaxPower, PeriodDimension.Power, PeriodDimension.MinPower);

    private decimal Volume(PeriodDimension dimension) => Dimensions.TryGetValue(dimension, out var volume) ? volume : 0m;

    private decimal? First(params PeriodDimension[] dimensions)
    {
        foreach (var dimension in dimensions)
        {
            if (Dimensions.TryGetValue(dimension, out var value))
            {
                return value;
            }
        }

        return null;
    }
}

/// <summary>A session to price: its start and end (UTC), its periods in order, and the location's time zone.</summary>
public sealed record ChargingSessionUsage(DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<ChargingPeriod> Periods, TimeZoneInfo TimeZone);
