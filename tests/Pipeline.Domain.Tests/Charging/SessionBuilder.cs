using Pipeline.Domain.Charging;

namespace Pipeline.Domain.Tests.Charging;

/// <summary>Builds a session as a CPO reports it: periods of charging or parking, one after the other, from a local start.</summary>
internal sealed class SessionBuilder
{
    private readonly TimeZoneInfo zone;
    private readonly DateTimeOffset start;
    private readonly List<ChargingPeriod> periods = [];
    private DateTimeOffset cursor;

    public SessionBuilder(string localStart, string zoneId = "Europe/Amsterdam")
    {
        zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var local = DateTime.Parse(localStart, System.Globalization.CultureInfo.InvariantCulture);
        start = new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
        cursor = start;
    }

    public SessionBuilder Charge(decimal minutes, decimal kwh = 0, params (PeriodDimension Dimension, decimal Value)[] measured) =>
        Add(minutes, PeriodDimension.Time, kwh, measured);

    public SessionBuilder Park(decimal minutes, params (PeriodDimension Dimension, decimal Value)[] measured) =>
        Add(minutes, PeriodDimension.ParkingTime, 0, measured);

    public ChargingSessionUsage Build() => new(start, cursor, periods, zone);

    private SessionBuilder Add(decimal minutes, PeriodDimension timed, decimal kwh, (PeriodDimension Dimension, decimal Value)[] measured)
    {
        var dimensions = measured.ToDictionary(m => m.Dimension, m => m.Value);
        dimensions[timed] = minutes / 60m;
        if (kwh != 0)
        {
            dimensions[PeriodDimension.Energy] = kwh;
        }

        periods.Add(new ChargingPeriod(cursor, dimensions));
        cursor = cursor.AddSeconds((double)(minutes * 60));
        return this;
    }
}
