namespace Pipeline.Domain.Settlement;

/// <summary>
/// A merchant's settlement days: day D ends at its cut-off, D's local date at <see cref="CutoffMinutes"/> after
/// midnight in the merchant's time zone (1440, "24:00", the default: midnight at the end of D). A run for D settles
/// what happened before D's cut-off (or before the run, for a day not over yet: intraday payouts).
/// </summary>
public sealed record SettlementCalendar(TimeZoneInfo TimeZone, int CutoffMinutes)
{
    public const int MinutesPerDay = 1440;

    public static SettlementCalendar Utc { get; } = new(TimeZoneInfo.Utc, MinutesPerDay);

    /// <summary>The instant day <paramref name="date"/> ends. A cut-off in a daylight-saving gap moves on by the gap (02:30 on a spring-forward night is 03:30).</summary>
    public DateTimeOffset CutoffOf(DateOnly date)
    {
        if (CutoffMinutes is <= 0 or > MinutesPerDay)
        {
            throw new InvalidOperationException($"A cut-off is 1 to {MinutesPerDay} minutes after midnight, not {CutoffMinutes}.");
        }

        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified).AddMinutes(CutoffMinutes);
        if (TimeZone.IsInvalidTime(local))
        {
            // The local clock skipped this time: the offset before the gap gives the instant the day ended.
            var before = TimeZone.GetUtcOffset(local.AddHours(-6));
            return new DateTimeOffset(local, before).ToUniversalTime();
        }

        // An ambiguous time (clocks going back) counts once, at its first occurrence: the day never ends twice.
        var offset = TimeZone.IsAmbiguousTime(local) ? TimeZone.GetAmbiguousTimeOffsets(local).Max() : TimeZone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The settlement day an instant belongs to: the first day whose cut-off is after it.</summary>
    public DateOnly DayOf(DateTimeOffset instant)
    {
        var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);
        var day = local.AddDays(-1);
        while (CutoffOf(day) <= instant)
        {
            day = day.AddDays(1);
        }

        return day;
    }
}
