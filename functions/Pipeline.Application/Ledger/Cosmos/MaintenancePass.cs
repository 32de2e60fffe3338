using Microsoft.Extensions.Logging;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>How maintenance (recovery, expiry) goes through what it found: each item on its own.</summary>
internal static class MaintenancePass
{
    /// <summary>Runs <paramref name="drive"/> on each item; a failure is logged with the item's id and does not stop the rest. Counts the trues.</summary>
    public static async Task<int> EachOnItsOwnAsync<T>(ILogger logger, IReadOnlyList<T> items, string kind, Func<T, LedgerId> idOf, Func<T, Task<bool>> drive)
    {
        var counted = 0;
        foreach (var item in items)
        {
            try
            {
                counted += await drive(item) ? 1 : 0;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Ledger maintenance could not drive {Kind} {Id}; it stays as it is and the next pass tries again", kind, idOf(item));
            }
        }

        return counted;
    }
}
