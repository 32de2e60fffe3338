namespace Pipeline.Domain.Charging;

/// <summary>Where a period stands when its tariff elements are chosen: local start, energy and time consumed before it.</summary>
public readonly record struct PeriodContext(ChargingPeriod Period, DateTime LocalStart, decimal ConsumedKwh, double ElapsedSeconds);

/// <summary>
/// Whether an element's restrictions hold at a period's start (OCPI 2.2.1 TariffRestrictions): all set fields must
/// (a logical AND). A current or power bound the period carries no measurement for does not hold — the element cannot be
/// shown to apply. Reservation elements price reservations, which sessions here do not have: they never hold.
/// </summary>
public static class TariffRestrictionRules
{
    private static readonly TimeOnly Midnight = new(0, 0);

    public static bool Hold(TariffRestrictions? restrictions, PeriodContext at)
    {
        if (restrictions is null)
        {
            return true;
        }

        return restrictions.Reservation is null
            && TimeOfDayHolds(restrictions.StartTime, restrictions.EndTime, TimeOnly.FromDateTime(at.LocalStart))
            && DateHolds(restrictions.StartDate, restrictions.EndDate, DateOnly.FromDateTime(at.LocalStart))
            && (restrictions.DaysOfWeek.Count == 0 || restrictions.DaysOfWeek.Contains(at.LocalStart.DayOfWeek))
            && Within(restrictions.MinKwh, restrictions.MaxKwh, at.ConsumedKwh)
            && Within(restrictions.MinDurationSeconds, restrictions.MaxDurationSeconds, (decimal)at.ElapsedSeconds)
            && Measured(restrictions.MinCurrent, restrictions.MaxCurrent, at.Period.CurrentForMin, at.Period.CurrentForMax)
            && Measured(restrictions.MinPower, restrictions.MaxPower, at.Period.PowerForMin, at.Period.PowerForMax);
    }

    /// <summary>From <paramref name="start"/> (inclusive) until <paramref name="end"/> (exclusive); an end before the start wraps past midnight, 00:00 ends the day.</summary>
    public static bool TimeOfDayHolds(TimeOnly? start, TimeOnly? end, TimeOnly time)
    {
        var afterStart = start is not { } s || time >= s;
        var beforeEnd = end is not { } e || e == Midnight || time < e;
        return start is { } from && end is { } until && until != Midnight && until < from
            ? time >= from || time < until
            : afterStart && beforeEnd;
    }

    private static bool DateHolds(DateOnly? start, DateOnly? end, DateOnly date) =>
        (start is not { } s || date >= s) && (end is not { } e || date < e);

    private static bool Within(decimal? min, decimal? max, decimal value) =>
        (min is not { } low || value >= low) && (max is not { } high || value < high);

    private static bool Measured(decimal? min, decimal? max, decimal? forMin, decimal? forMax) =>
        (min is not { } low || forMin is { } least && least >= low) && (max is not { } high || forMax is { } most && most < high);
}
