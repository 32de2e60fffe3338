using System.Collections.ObjectModel;
using System.Net;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;

namespace Pipeline.Application.Events;

/// <summary>A page of a merchant's events, oldest first, and the position to read on from.</summary>
public sealed record EventsPage(IReadOnlyList<EventEnvelope> Events, string? Next, bool HasMore);

/// <summary>
/// Every merchant's events in the order they were relayed: what GET /events reads, what redelivery resends. One
/// partition per merchant holds the events (each with its position) and the head (the last position). Events expire
/// after <see cref="EventLimits.LogRetention"/>.
/// </summary>
public sealed class EventLog(Database database)
{
    public const string ContainerName = "events";

    /// <summary>Appenders to one merchant's log in this process take turns (striped by merchant: bounded, whatever the merchants).</summary>
    private const int AppendStripes = 64;

    private readonly Container container = database.GetContainer(ContainerName);

    /// <summary>
    /// The relays of several containers append to one merchant's log at once (a payment's event and its wallet's); racing
    /// on the head If-Match, each loser's whole batch of up to 99 events was sent, refused and sent again. Taking turns in
    /// the process removes that race here (its effect on the payments' rate is within this machine's noise:
    /// docs/PERFORMANCE.md). Other processes still race, safely, on the head.
    /// </summary>
    private readonly SemaphoreSlim[] appending = [.. Enumerable.Range(0, AppendStripes).Select(_ => new SemaphoreSlim(1, 1))];

    public static ContainerProperties ContainerProperties()
    {
        // -1: only the events expire (each carries its ttl); the head, which gives out positions, stays.
        var properties = new ContainerProperties(ContainerName, "/merchantId") { DefaultTimeToLive = -1 };
        properties.IndexingPolicy.CompositeIndexes.Add(new Collection<CompositePath>
        {
            new() { Path = "/type", Order = CompositePathSortOrder.Ascending },
            new() { Path = "/position", Order = CompositePathSortOrder.Ascending },
        });
        return properties;
    }

    /// <summary>
    /// Appends the events to their merchants' logs, in the order given. An event already in the log (the relay ran this
    /// page before and died before recording it) keeps its place and is not appended again.
    /// </summary>
    public async Task AppendAsync(IReadOnlyList<RelayedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var merchant in events.GroupBy(e => e.MerchantId, StringComparer.Ordinal))
        {
            var pending = merchant.Select(e => e.Envelope).DistinctBy(e => e.Id).ToList();
            for (var start = 0; start < pending.Count; start += EventLimits.AppendBatchMax)
            {
                await AppendBatchAsync(merchant.Key, pending.Skip(start).Take(EventLimits.AppendBatchMax).ToList(), cancellationToken);
            }
        }
    }

    /// <summary>The merchant's events after position <paramref name="after"/>, oldest first, optionally of one type.</summary>
    public async Task<EventsPage> ListAsync(string merchantId, string? type, long after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, EventLimits.PageSizeMax);
        var text = $"SELECT TOP {limit + 1} * FROM c WHERE c.position > {Numbers.Literal(after)}" + (type is null ? "" : " AND c.type = @type");
        var query = new QueryDefinition(text + " ORDER BY c.position ASC").WithParameter("@type", type ?? "");
        var found = await container.QueryAllAsync<LoggedEvent>(query, new QueryRequestOptions { PartitionKey = new PartitionKey(merchantId) }, cancellationToken);
        var page = found.Take(limit).ToList();
        // The cursor is there even at the end of the log: a poller reads on from it later and misses nothing.
        var next = page.Count > 0 ? page[^1].Position : after;
        return new EventsPage([.. page.Select(e => e.Envelope)], Numbers.Literal(next), found.Count > limit);
    }

    /// <summary>
    /// The merchant's events of <paramref name="types"/> at positions (<paramref name="after"/>, <paramref name="upTo"/>],
    /// oldest first, at most <paramref name="limit"/>, with their positions (settlement reads captures and refunds so).
    /// </summary>
    public Task<IReadOnlyList<LoggedEvent>> ReadAsync(
        string merchantId, IReadOnlyCollection<string> types, long after, long upTo, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var query = new QueryDefinition(
            $"SELECT TOP {limit} * FROM c WHERE c.position > {Numbers.Literal(after)} AND c.position <= {Numbers.Literal(upTo)} AND ARRAY_CONTAINS(@types, c.type) ORDER BY c.position ASC")
            .WithParameter("@types", types.ToArray());
        return container.QueryAllAsync<LoggedEvent>(query, new QueryRequestOptions { PartitionKey = new PartitionKey(merchantId) }, cancellationToken);
    }

    /// <summary>The merchant's head: the last position given out, and how many events of each type it holds; null before any event.</summary>
    public Task<EventLogHead?> HeadAsync(string merchantId, CancellationToken cancellationToken) =>
        container.ReadOrNullAsync<EventLogHead>(EventLogHead.DocumentId, merchantId, cancellationToken);

    /// <summary>The merchant's event with this id, or null (another merchant's event is not in this merchant's log).</summary>
    public async Task<EventEnvelope?> GetAsync(string merchantId, string id, CancellationToken cancellationToken) =>
        EventIds.IsValid(id)
            ? (await container.ReadOrNullAsync<LoggedEvent>(id, merchantId, cancellationToken))?.Envelope
            : null;

    /// <summary>
    /// One batch: the head moved on by the events' count (If-Match, or created) and the events at the positions after
    /// it. Another relay appending meanwhile (412, or 409 on a head both created) means read the head again; an event
    /// already logged (409) is dropped from the batch, so positions stay gapless and each event has one.
    /// </summary>
    private async Task AppendBatchAsync(string merchantId, List<EventEnvelope> events, CancellationToken cancellationToken)
    {
        var turn = appending[(int)((uint)StringComparer.Ordinal.GetHashCode(merchantId) % AppendStripes)];
        await turn.WaitAsync(cancellationToken);
        try
        {
            await AppendBatchInTurnAsync(merchantId, events, cancellationToken);
        }
        finally
        {
            turn.Release();
        }
    }

    private async Task AppendBatchInTurnAsync(string merchantId, List<EventEnvelope> events, CancellationToken cancellationToken)
    {
        var partition = new PartitionKey(merchantId);
        for (var attempt = 0; attempt < Contention.AttemptsMax && events.Count > 0; attempt++)
        {
            var head = await container.ReadOrNullAsync<EventLogHead>(EventLogHead.DocumentId, merchantId, cancellationToken);
            var last = head?.Last ?? 0;
            var moved = new EventLogHead { MerchantId = merchantId, Last = last + events.Count, Counts = CountsAfter(head, events) };
            var batch = container.CreateTransactionalBatch(partition);
            batch = head is null
                ? batch.CreateItem(moved, NoContent.BatchItem)
                : batch.ReplaceItem(EventLogHead.DocumentId, moved, new TransactionalBatchItemRequestOptions { IfMatchEtag = head.ETag, EnableContentResponseOnWrite = false });
            for (var i = 0; i < events.Count; i++)
            {
                batch = batch.CreateItem(new LoggedEvent { Id = events[i].Id, MerchantId = merchantId, Position = last + 1 + i, Type = events[i].Type, Envelope = events[i] }, NoContent.BatchItem);
            }

            using var response = await batch.ExecuteAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (response.StatusCode is not (HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict))
            {
                throw new CosmosException($"Appending to the event log of {merchantId} failed: {response.ErrorMessage}", response.StatusCode, 0, response.ActivityId, response.RequestCharge);
            }

            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                var logged = await LoggedIdsAsync(partition, events, cancellationToken);
                events = [.. events.Where(e => !logged.Contains(e.Id))];
            }

            await Contention.BackOffAsync(attempt, cancellationToken);
        }

        if (events.Count > 0)
        {
            throw new InvalidOperationException($"The event log of {merchantId} could not be appended to after {Contention.AttemptsMax} attempts.");
        }
    }

    /// <summary>The head's counts with the batch's events added; unknown (null) stays unknown.</summary>
    private static Dictionary<string, long>? CountsAfter(EventLogHead? head, List<EventEnvelope> events)
    {
        if (head is { Counts: null })
        {
            return null;
        }

        var counts = new Dictionary<string, long>(head?.Counts ?? new Dictionary<string, long>(), StringComparer.Ordinal);
        foreach (var type in events.Select(e => e.Type))
        {
            counts[type] = counts.GetValueOrDefault(type) + 1;
        }

        return counts;
    }

    private async Task<HashSet<string>> LoggedIdsAsync(PartitionKey partition, List<EventEnvelope> events, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT VALUE c.id FROM c WHERE ARRAY_CONTAINS(@ids, c.id)").WithParameter("@ids", events.Select(e => e.Id).ToArray());
        return [.. await container.QueryAllAsync<string>(query, new QueryRequestOptions { PartitionKey = partition }, cancellationToken)];
    }
}
