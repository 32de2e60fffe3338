using Pipeline.Application.Durable;

namespace Pipeline.Application.Collection;

/// <summary>Which collection an orchestration watches, and when it was started (a collection never stored is given up a minute after).</summary>
public sealed record CollectionWork(string MerchantId, string CollectionId, long StartedMicros);

/// <summary>Starts the orchestration that watches a collection's time (reminder, expiry).</summary>
public interface ICollectionWatch
{
    Task EnsureStartedAsync(CollectionWork work, CancellationToken cancellationToken);
}

/// <summary>
/// Starts a collection's orchestration (<see cref="CollectionOrchestrator"/>, instance id = the collection's id) through
/// the host's Durable client, before the collection is stored: no collection exists without the orchestration that
/// reminds and expires it (one whose creation then failed is found missing and given up).
/// </summary>
public sealed class CollectionWatch(DurableClientSlot slot) : ICollectionWatch
{
    public Task EnsureStartedAsync(CollectionWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var client = slot.Client
            ?? throw new InvalidOperationException("No Durable client: a collection cannot be watched. The function creating collections hands over its client binding.");
        return SingletonOrchestration.EnsureRunningAsync(client, nameof(CollectionOrchestrator), work.CollectionId, work, cancellationToken);
    }
}
