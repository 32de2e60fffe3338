using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Merchants;

/// <summary>
/// How a merchant is settled (<c>PUT /merchants/{id}/settlement-settings</c>, kept on the merchant): its days end at
/// <see cref="CutoffLocalTime"/> in <see cref="TimeZone"/>; <see cref="ReservePercentBps"/> of each settlement's
/// captured amount is held for <see cref="ReserveDays"/> days; a net below the currency's minimum payout is carried.
/// </summary>
/// <param name="TimeZone">An IANA time zone, e.g. Europe/Berlin.</param>
/// <param name="CutoffLocalTime">"HH:mm", 00:01 to 24:00 (midnight at the end of the day, the default).</param>
public sealed record SettlementSettings(
    string TimeZone, string CutoffLocalTime, int ReservePercentBps, int ReserveDays, IReadOnlyDictionary<string, long>? MinimumPayouts)
{
    public static SettlementSettings Default { get; } = new("UTC", "24:00", 0, 0, null);

    public long MinimumPayoutOf(string currency) => MinimumPayouts?.GetValueOrDefault(currency) ?? 0;

    /// <summary>The calendar of these settings (validated when they were set).</summary>
    public SettlementCalendar Calendar() =>
        new(TimeZoneInfo.FindSystemTimeZoneById(TimeZone), CutoffMinutesOf(CutoffLocalTime) ?? throw new InvalidOperationException($"A stored cut-off is not valid: {CutoffLocalTime}."));

    /// <summary>Minutes after midnight of "HH:mm" (00:01 to 24:00), or null.</summary>
    public static int? CutoffMinutesOf(string? text)
    {
        if (text is not { Length: 5 } || text[2] != ':' || !int.TryParse(text.AsSpan(0, 2), out var hours) || !int.TryParse(text.AsSpan(3, 2), out var minutes)
            || !char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[3]) || minutes is < 0 or > 59)
        {
            return null;
        }

        var total = (hours * 60) + minutes;
        return total is > 0 and <= SettlementCalendar.MinutesPerDay ? total : null;
    }
}

/// <summary>Where a merchant's payouts go: a SEPA account (IBAN, normalized; BIC optional, as SEPA allows).</summary>
public sealed record PayoutAccount(string Name, string Iban, string? Bic);
