using Pipeline.Domain.Settlement;

namespace Pipeline.Domain.Tests.Settlement;

public sealed class SettlementCalendarTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void By_default_a_day_ends_at_midnight_at_its_end_in_the_merchants_time_zone()
    {
        var calendar = new SettlementCalendar(Berlin, SettlementCalendar.MinutesPerDay);
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T23:00:00Z"), calendar.CutoffOf(new DateOnly(2026, 12, 1)));
        Assert.Equal(DateTimeOffset.Parse("2026-07-01T22:00:00Z"), calendar.CutoffOf(new DateOnly(2026, 7, 1)));
    }

    [Fact]
    public void A_cutoff_in_the_spring_forward_gap_moves_on_by_the_gap_and_one_in_the_autumn_overlap_counts_once()
    {
        var calendar = new SettlementCalendar(Berlin, 150); // 02:30
        // 29 March 2026: 02:00 CET → 03:00 CEST; 02:30 does not exist, the day ends at 03:30 CEST.
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T01:30:00Z"), calendar.CutoffOf(new DateOnly(2026, 3, 29)));
        // 25 October 2026: 03:00 CEST → 02:00 CET; 02:30 happens twice, the day ends at the first.
        Assert.Equal(DateTimeOffset.Parse("2026-10-25T00:30:00Z"), calendar.CutoffOf(new DateOnly(2026, 10, 25)));
    }

    [Fact]
    public void An_instant_belongs_to_the_first_day_whose_cutoff_is_after_it()
    {
        var calendar = new SettlementCalendar(Berlin, 17 * 60);
        Assert.Equal(new DateOnly(2026, 12, 1), calendar.DayOf(DateTimeOffset.Parse("2026-12-01T15:59:59Z")));
        Assert.Equal(new DateOnly(2026, 12, 2), calendar.DayOf(DateTimeOffset.Parse("2026-12-01T16:00:00Z")));
        Assert.Equal(new DateOnly(2026, 12, 1), SettlementCalendar.Utc.DayOf(DateTimeOffset.Parse("2026-12-01T23:59:59Z")));
    }

    [Fact]
    public void A_cutoff_outside_the_day_is_a_programming_error() =>
        Assert.Throws<InvalidOperationException>(() => new SettlementCalendar(TimeZoneInfo.Utc, 0).CutoffOf(new DateOnly(2026, 1, 1)));
}
