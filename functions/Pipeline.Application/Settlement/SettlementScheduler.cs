using Microsoft.DurableTask.Client;
using Pipeline.Application.Merchants;

namespace Pipeline.Application.Settlement;

/// <summary>
/// The daily run: once the configured time of day (UTC) has passed, the run for the previous UTC date is started,
/// once — its id is derived from the date, so the timers of every instance (and every tick) start the same run.
/// </summary>
public static class SettlementScheduler
{
    /// <returns>The date whose daily run was ensured, or null when none is due (or daily runs are off).</returns>
    public static async Task<DateOnly?> EnsureDailyRunAsync(
        DurableTaskClient client, SettlementRuns runs, SettlementOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (string.IsNullOrEmpty(options.DailyRunAtUtc))
        {
            return null;
        }

        var at = SettlementSettings.CutoffMinutesOf(options.DailyRunAtUtc)
            ?? throw new InvalidOperationException($"{SettlementOptions.Section}:DailyRunAtUtc is not a time \"HH:mm\": {options.DailyRunAtUtc}.");
        var now = time.GetUtcNow();
        if (now.TimeOfDay.TotalMinutes < at)
        {
            return null;
        }

        var date = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-1);
        await runs.StartAsync(client, SettlementRuns.DailyRunIdOf(date), date, "daily", null, cancellationToken);
        return date;
    }
}
