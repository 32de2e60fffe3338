using Pipeline.Domain.Charging;

namespace Pipeline.Domain.Tests.Charging;

public sealed class TariffRestrictionRulesTests
{
    [Theory]
    [InlineData("09:00", "18:00", "09:00", true)]
    [InlineData("09:00", "18:00", "17:59", true)]
    [InlineData("09:00", "18:00", "18:00", false)]
    [InlineData("09:00", "18:00", "08:59", false)]
    [InlineData("22:00", "06:00", "23:30", true)]
    [InlineData("22:00", "06:00", "05:59", true)]
    [InlineData("22:00", "06:00", "06:00", false)]
    [InlineData("22:00", "06:00", "12:00", false)]
    [InlineData("20:00", "00:00", "23:59", true)]
    [InlineData("20:00", "00:00", "19:59", false)]
    [InlineData("00:00", "17:00", "00:00", true)]
    [InlineData(null, "17:00", "16:59", true)]
    [InlineData(null, "17:00", "17:00", false)]
    [InlineData("17:00", null, "23:59", true)]
    [InlineData("17:00", null, "16:59", false)]
    public void A_time_window_includes_its_start_excludes_its_end_and_wraps_past_midnight(string? start, string? end, string at, bool holds)
    {
        Assert.Equal(holds, TariffRestrictionRules.TimeOfDayHolds(Time(start), Time(end), TimeOnly.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(0.999, true)]
    [InlineData(1.0, false)]
    public void Maximum_energy_is_exclusive_and_counts_what_was_consumed_before_the_period(decimal consumed, bool holds)
    {
        var at = new PeriodContext(Period(), new DateTime(2024, 1, 15, 10, 0, 0), consumed, 0);

        Assert.Equal(holds, TariffRestrictionRules.Hold(new TariffRestrictions { MaxKwh = 1m }, at));
        Assert.Equal(!holds, TariffRestrictionRules.Hold(new TariffRestrictions { MinKwh = 1m }, at));
    }

    [Fact]
    public void A_current_bound_without_a_measurement_does_not_hold_and_reservation_elements_never_do()
    {
        var at = new PeriodContext(Period(), new DateTime(2024, 1, 15, 10, 0, 0), 0, 0);

        Assert.False(TariffRestrictionRules.Hold(new TariffRestrictions { MaxCurrent = 32m }, at));
        Assert.False(TariffRestrictionRules.Hold(new TariffRestrictions { Reservation = "RESERVATION" }, at));
        Assert.True(TariffRestrictionRules.Hold(new TariffRestrictions { DaysOfWeek = [DayOfWeek.Monday] }, at));
        Assert.False(TariffRestrictionRules.Hold(new TariffRestrictions { DaysOfWeek = [DayOfWeek.Sunday], StartDate = new DateOnly(2024, 1, 1) }, at));
        Assert.False(TariffRestrictionRules.Hold(new TariffRestrictions { EndDate = new DateOnly(2024, 1, 15) }, at));
    }

    private static ChargingPeriod Period() => new(DateTimeOffset.UnixEpoch, new Dictionary<PeriodDimension, decimal> { [PeriodDimension.Energy] = 1m });

    private static TimeOnly? Time(string? text) => text is null ? null : TimeOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
