namespace Pipeline.Domain.Charging;

/// <summary>OCPP 2.0.1 ChargingStateEnumType: what the EVSE was doing from a transaction event on.</summary>
public enum ChargingState
{
    Charging,
    EVConnected,
    SuspendedEV,
    SuspendedEVSE,
    Idle,
}

/// <summary>An energy register reading (OCPP Energy.Active.Import.Register), in Wh, at the time the meter took it.</summary>
public readonly record struct EnergyReading(DateTimeOffset At, decimal Wh);

/// <summary>
/// What one transaction event of a session says about usage: when it happened, the charging state from then on
/// (null: unchanged), and the energy register readings it carries.
/// </summary>
public sealed record UsageFact(long SeqNo, DateTimeOffset At, ChargingState? State, IReadOnlyList<EnergyReading> Readings);

/// <summary>
/// Turns the transaction events of a session into OCPI charging periods (docs/CHARGING.md "Sessions"). The result depends
/// only on the set of facts, never on the order they arrived in: facts are ordered by time (then sequence number), and
/// a fact's readings are taken at their own timestamps.
/// <list type="bullet">
/// <item>A period starts at the session's start and at every change of charging state. Charging and SuspendedEVSE (the
/// station, not the driver, paused) are charging time; EVConnected, SuspendedEV and Idle are parking time. Before the
/// first known state, the session is charging.</item>
/// <item>Energy: the register's rise within the period, from the first reading of the session (its baseline) on; the
/// register is taken as its highest reading so far, so a reading that goes backwards (a meter replaced, a reading out of
/// order in the meter itself) never gives energy back. Readings after the end are left out.</item>
/// </list>
/// Pure: time comes from the facts and the end given.
/// </summary>
public static class SessionTimeline
{
    private const decimal TicksPerHour = TimeSpan.TicksPerHour;

    /// <summary>The session from <paramref name="start"/> to <paramref name="end"/>, priced with <paramref name="zone"/>'s local time.</summary>
    public static ChargingSessionUsage Usage(IEnumerable<UsageFact> facts, DateTimeOffset start, DateTimeOffset end, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (end < start)
        {
            throw new ArgumentException("A session does not end before it starts.", nameof(end));
        }

        var ordered = facts.OrderBy(f => f.At).ThenBy(f => f.SeqNo).ToList();
        var readings = ordered.SelectMany(f => f.Readings).Where(r => r.At <= end).OrderBy(r => r.At).ThenBy(r => r.Wh).ToList();
        var boundaries = StateChanges(ordered, start, end);
        var periods = new List<ChargingPeriod>(boundaries.Count);
        for (var i = 0; i < boundaries.Count; i++)
        {
            var (from, state) = boundaries[i];
            var until = i + 1 < boundaries.Count ? boundaries[i + 1].From : end;
            var hours = (until - from).Ticks / TicksPerHour;
            var kwh = (Register(readings, until, end) - Register(readings, from, end)) / 1000m;
            var dimensions = new Dictionary<PeriodDimension, decimal> { [PeriodDimension.Energy] = kwh };
            dimensions[IsCharging(state) ? PeriodDimension.Time : PeriodDimension.ParkingTime] = hours;
            periods.Add(new ChargingPeriod(from, dimensions));
        }

        return new ChargingSessionUsage(start, end, periods, zone);
    }

    /// <summary>The energy delivered from the first reading to <paramref name="end"/>, in Wh.</summary>
    public static decimal EnergyWh(IEnumerable<UsageFact> facts, DateTimeOffset end)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var readings = facts.SelectMany(f => f.Readings).Where(r => r.At <= end).OrderBy(r => r.At).ThenBy(r => r.Wh).ToList();
        return Register(readings, end, end);
    }

    private static bool IsCharging(ChargingState state) => state is ChargingState.Charging or ChargingState.SuspendedEVSE;

    /// <summary>Where each period starts and its state: the start, then every change of state after it and before the end.</summary>
    private static List<(DateTimeOffset From, ChargingState State)> StateChanges(List<UsageFact> ordered, DateTimeOffset start, DateTimeOffset end)
    {
        var atStart = ordered.LastOrDefault(f => f.State is not null && f.At <= start)?.State ?? ChargingState.Charging;
        var changes = new List<(DateTimeOffset From, ChargingState State)> { (start, atStart) };
        foreach (var fact in ordered.Where(f => f.State is not null && f.At > start && f.At < end))
        {
            if (fact.State != changes[^1].State)
            {
                changes.Add((fact.At, fact.State!.Value));
            }
        }

        return changes;
    }

    /// <summary>The register's rise from the baseline up to <paramref name="at"/>: the highest reading taken by then.</summary>
    private static decimal Register(List<EnergyReading> readings, DateTimeOffset at, DateTimeOffset end)
    {
        if (readings.Count == 0)
        {
            return 0m;
        }

        var baseline = readings[0].Wh;
        var highest = baseline;
        foreach (var reading in readings)
        {
            if (reading.At > at || reading.At > end)
            {
                break;
            }

            highest = Math.Max(highest, reading.Wh);
        }

        return highest - baseline;
    }
}
