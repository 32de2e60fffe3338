using Microsoft.DurableTask;
using Pipeline.Application.Cosmos;

namespace Pipeline.Application.Collection;

/// <summary>What a look at the collection found: nothing more to watch, or when to look again.</summary>
public sealed record CollectionCheck(bool Done, long NextCheckMicros);

/// <summary>The activity: one look at the collection, reminding or expiring it when that is due (all I/O lives here).</summary>
public sealed class CheckCollectionActivity(CollectionStore store) : TaskActivity<CollectionWork, CollectionCheck>
{
    public override Task<CollectionCheck> RunAsync(TaskActivityContext context, CollectionWork input) => store.CheckAsync(input, CancellationToken.None);
}

/// <summary>
/// One orchestration per collection (instance id = the collection's id; collections are B2B invoices, not a hot path):
/// a look at once, then durable timers until the reminder (a reminder lead before it is due) and the due time, a look
/// at each; it ends when the collection is paid, canceled or expired. Each generation is one look and one timer
/// (continue-as-new), so the history stays short however long a collection waits.
/// </summary>
public sealed class CollectionOrchestrator : TaskOrchestrator<CollectionWork, bool>
{
    /// <summary>A failed look (Cosmos unreachable, say) is tried again after this.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    public override async Task<bool> RunAsync(TaskOrchestrationContext context, CollectionWork input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        DateTime next;
        try
        {
            var check = await context.CallActivityAsync<CollectionCheck>(nameof(CheckCollectionActivity), input);
            if (check.Done)
            {
                return true;
            }

            next = new DateTimeOffset(CosmosTime.ToTicks(check.NextCheckMicros), TimeSpan.Zero).UtcDateTime;
        }
        catch (TaskFailedException)
        {
            next = context.CurrentUtcDateTime.Add(RetryAfter);
        }

        await context.CreateTimer(next < context.CurrentUtcDateTime ? context.CurrentUtcDateTime : next, CancellationToken.None);
        context.ContinueAsNew(input);
        return false;
    }
}
