using Microsoft.Extensions.Logging;

namespace Pipeline.Application.Collection;

/// <summary>
/// How the maintenance pass finishes what requests left half-way (credits, resolutions): each item on its own, so one
/// that cannot be finished — a defect, a ledger that refuses it — is logged and never keeps the others waiting (found in
/// review: the first failure ended the pass, on every pass).
/// </summary>
internal static class EachOnItsOwn
{
    /// <summary>Runs <paramref name="finish"/> for each item; returns how many finished.</summary>
    /// <param name="what">The log's name of an item, e.g. "Bank credit {Id}".</param>
    public static async Task<int> FinishAsync<T>(IEnumerable<T> items, Func<T, Task> finish, Func<T, string> idOf, string what, ILogger logger)
    {
        var finished = 0;
        foreach (var item in items)
        {
            try
            {
                await finish(item);
                finished++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
#pragma warning disable CA2254 // The template is one of the callers' constants.
                logger.LogError(e, what + " could not be finished; the next pass tries again", idOf(item));
#pragma warning restore CA2254
            }
        }

        return finished;
    }
}
