using Pipeline.Domain.Charging;

namespace Pipeline.Domain.Tests.Charging;

/// <summary>Transaction events into OCPI charging periods: states, the register's rise, and indifference to arrival order.</summary>
public sealed class SessionTimelineTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    private static readonly UsageFact[] Facts =
    [
        new(0, Start, ChargingState.Charging, [new EnergyReading(Start, 1_000m)]),
        new(1, Start.AddMinutes(30), null, [new EnergyReading(Start.AddMinutes(30), 11_000m)]),
        new(2, Start.AddMinutes(45), ChargingState.SuspendedEV, [new EnergyReading(Start.AddMinutes(45), 16_000m)]),
        new(3, Start.AddMinutes(60), ChargingState.EVConnected, [new EnergyReading(Start.AddMinutes(60), 16_000m)]),
    ];

    [Fact]
    public void Charging_then_parking_makes_two_periods_with_the_register_rise_in_each()
    {
        var usage = SessionTimeline.Usage(Facts, Start, Start.AddHours(1), TimeZoneInfo.Utc);
        Assert.Equal(2, usage.Periods.Count);
        Assert.Equal((15m, 0.75m, 0m), (usage.Periods[0].EnergyKwh, usage.Periods[0].TimeHours, usage.Periods[0].ParkingHours));
        Assert.Equal((0m, 0m, 0.25m), (usage.Periods[1].EnergyKwh, usage.Periods[1].TimeHours, usage.Periods[1].ParkingHours));
    }

    [Fact]
    public void The_order_facts_arrive_in_changes_nothing()
    {
        var expected = SessionTimeline.Usage(Facts, Start, Start.AddHours(1), TimeZoneInfo.Utc);
        foreach (var order in new[] { new[] { 3, 2, 1, 0 }, [2, 0, 3, 1], [1, 3, 0, 2] })
        {
            var usage = SessionTimeline.Usage(order.Select(i => Facts[i]), Start, Start.AddHours(1), TimeZoneInfo.Utc);
            Assert.Equal(expected.Periods.Select(p => (p.Start, p.EnergyKwh, p.TimeHours, p.ParkingHours)), usage.Periods.Select(p => (p.Start, p.EnergyKwh, p.TimeHours, p.ParkingHours)));
        }
    }

    [Fact]
    public void A_register_that_goes_back_gives_no_energy_back_and_readings_after_the_end_are_left_out()
    {
        UsageFact[] facts =
        [
            new(0, Start, ChargingState.Charging, [new EnergyReading(Start, 5_000m), new EnergyReading(Start.AddMinutes(10), 8_000m)]),
            new(1, Start.AddMinutes(20), null, [new EnergyReading(Start.AddMinutes(20), 2_000m)]),
            new(2, Start.AddMinutes(30), null, [new EnergyReading(Start.AddMinutes(30), 9_000m), new EnergyReading(Start.AddMinutes(90), 50_000m)]),
        ];
        var usage = SessionTimeline.Usage(facts, Start, Start.AddMinutes(30), TimeZoneInfo.Utc);
        Assert.Equal(4m, usage.Periods.Sum(p => p.EnergyKwh));
        Assert.Equal(4_000m, SessionTimeline.EnergyWh(facts, Start.AddMinutes(30)));
    }
}
