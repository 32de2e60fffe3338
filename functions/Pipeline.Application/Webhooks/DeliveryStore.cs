using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Webhooks;

namespace Pipeline.Application.Webhooks;

/// <summary>
/// The deliveries of events to endpoints: scheduled by the relay, worked by each endpoint's worker, listed and
/// redelivered by the merchant. Every change of a delivery is a compare-and-swap on it: a redelivery racing an
/// attempt's record never loses either.
/// </summary>
public sealed class DeliveryStore(Database database, TimeProvider time)
{
    /// <summary>Pending deliveries taken at once: a few rounds of the endpoint's concurrency, so a slow receiver's pass ends soon after its time.</summary>
    private const int PendingPageSize = 8 * WebhookLimits.EndpointConcurrency;

    /// <summary>Operations in one transactional batch.</summary>
    private const int BatchMax = 100;

    private readonly Container container = database.GetContainer(WebhookDelivery.ContainerName);

    private long NowMicros => CosmosTime.ToMicros(time.GetUtcNow());

    /// <summary>A delivery of the event to the endpoint, due now (not stored yet).</summary>
    public WebhookDelivery New(string merchantId, string endpointId, string eventId, string eventType, string body)
    {
        var now = NowMicros;
        return new WebhookDelivery
        {
            Id = eventId, EndpointId = endpointId, MerchantId = merchantId, EventType = eventType, Body = body,
            State = DeliveryState.Pending, DueMicros = now, RoundStartedMicros = now, CreatedMicros = now, UpdatedMicros = now,
        };
    }

    /// <summary>Schedules the event for the endpoint, due now; false when it was scheduled before (its state is left alone).</summary>
    public Task<bool> ScheduleAsync(string merchantId, string endpointId, string eventId, string eventType, string body, CancellationToken cancellationToken) =>
        CreateAsync(New(merchantId, endpointId, eventId, eventType, body), cancellationToken);

    /// <summary>Stores a delivery as given; false when one of its event and endpoint is there already (that one is left alone).</summary>
    private async Task<bool> CreateAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            await container.CreateItemAsync(delivery, new PartitionKey(delivery.EndpointId), NoContent.Item, cancellationToken);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    /// <summary>
    /// Stores one endpoint's new deliveries — scheduled (<see cref="New"/>), or already tried (<see cref="InlineDelivery"/>) —
    /// up to 100 per transactional batch: one request for a page's worth. A batch that meets one stored before (a page
    /// handed over again) is done one by one instead, and the one stored before stays as it is.
    /// </summary>
    /// <returns>False when some had been stored before.</returns>
    public async Task<bool> ScheduleAllAsync(string endpointId, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        var allNew = true;
        foreach (var chunk in deliveries.Chunk(BatchMax))
        {
            var batch = container.CreateTransactionalBatch(new PartitionKey(endpointId));
            foreach (var delivery in chunk)
            {
                batch.CreateItem(delivery, NoContent.BatchItem);
            }

            using var response = await batch.ExecuteAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                foreach (var delivery in chunk)
                {
                    allNew &= await CreateAsync(delivery, cancellationToken);
                }
            }
        }

        return allNew;
    }

    /// <summary>
    /// The endpoint's pending deliveries, the earliest due first — due now or later: the worker sends those due and
    /// sleeps until the first that is not, from one query (with no "now" in it, its text and plan are the same each time).
    /// </summary>
    public async Task<IReadOnlyList<WebhookDelivery>> NextPendingAsync(string endpointId, CancellationToken cancellationToken) =>
        await container.QueryAllAsync<WebhookDelivery>(
            new QueryDefinition($"SELECT TOP {PendingPageSize} * FROM c WHERE c.state = 'pending' ORDER BY c.state ASC, c.dueMicros ASC"),
            new QueryRequestOptions { PartitionKey = new PartitionKey(endpointId) }, cancellationToken);

    /// <summary>When the endpoint's next pending delivery is due; null when none is pending.</summary>
    public async Task<long?> NextDueMicrosAsync(string endpointId, CancellationToken cancellationToken) =>
        (await container.QueryAllAsync<long?>(
            new QueryDefinition("SELECT VALUE MIN(c.dueMicros) FROM c WHERE c.state = 'pending'"),
            new QueryRequestOptions { PartitionKey = new PartitionKey(endpointId) }, cancellationToken)).FirstOrDefault();

    /// <summary>
    /// Records an attempt: succeeded, or failed and due again on its schedule, or failed for good when the schedule's
    /// window is used up. Null when the delivery changed meanwhile (a redelivery): that change stands.
    /// </summary>
    public Task<WebhookDelivery?> RecordAsync(WebhookDelivery delivery, DeliveryAttempt attempt, bool succeeded, CancellationToken cancellationToken) =>
        ReplaceAsync(AfterAttempt(delivery, attempt, succeeded), delivery.ETag, cancellationToken);

    /// <summary>
    /// Records the outcome of a delivery's first attempt that came after the delivery was stored pending (an inline send
    /// that outlasted its budget), unless the delivery moved on meanwhile (its worker tried it, a redelivery): then
    /// nothing, and false.
    /// </summary>
    public async Task<bool> RecordFirstAttemptAsync(WebhookDelivery delivery, DeliveryAttempt attempt, bool succeeded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var current = await container.ReadOrNullAsync<WebhookDelivery>(delivery.Id, delivery.EndpointId, cancellationToken);
        return current is { State: DeliveryState.Pending, RoundAttempts: 0 } && current.RoundStartedMicros == delivery.RoundStartedMicros
            && await RecordAsync(current, attempt, succeeded, cancellationToken) is not null;
    }

    /// <summary>
    /// Records several attempts on one endpoint's deliveries in one transactional batch (each If-Match); when one of them
    /// changed meanwhile the batch is refused whole, and each is recorded alone (<see cref="RecordAsync"/>). The
    /// deliveries as recorded, null for those that had changed.
    /// </summary>
    public async Task<IReadOnlyList<WebhookDelivery?>> RecordAllAsync(
        string endpointId, IReadOnlyList<(WebhookDelivery Delivery, SendResult Result)> outcomes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var recorded = outcomes.Select(o => AfterAttempt(o.Delivery, o.Result.Attempt, o.Result.Succeeded)).ToList();
        var batch = container.CreateTransactionalBatch(new PartitionKey(endpointId));
        for (var i = 0; i < recorded.Count; i++)
        {
            batch.PatchItem(recorded[i].Id, PatchOf(outcomes[i].Delivery, recorded[i]),
                new TransactionalBatchPatchItemRequestOptions { IfMatchEtag = outcomes[i].Delivery.ETag, EnableContentResponseOnWrite = false });
        }

        using var response = await batch.ExecuteAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return recorded;
        }

        var one = new List<WebhookDelivery?>();
        for (var i = 0; i < recorded.Count; i++)
        {
            one.Add(await ReplaceAsync(recorded[i], outcomes[i].Delivery.ETag, cancellationToken));
        }

        return one;
    }

    /// <summary>
    /// <paramref name="recorded"/> as a patch of <paramref name="before"/>: what an attempt changes, without the body,
    /// which a replace would serialise, send and parse again with every attempt (and fields this build does not know
    /// stay as they are).
    /// </summary>
    private static List<PatchOperation> PatchOf(WebhookDelivery before, WebhookDelivery recorded)
    {
        var patch = new List<PatchOperation>();
        if (before.Attempts.Count >= WebhookLimits.AttemptsKeptMax)
        {
            patch.Add(PatchOperation.Remove("/attempts/0"));
        }

        patch.Add(PatchOperation.Add("/attempts/-", recorded.Attempts[^1]));
        patch.Add(PatchOperation.Set("/roundAttempts", Number(recorded.RoundAttempts)));
        patch.Add(PatchOperation.Set("/state", recorded.State));
        patch.Add(PatchOperation.Set("/dueMicros", Number(recorded.DueMicros)));
        patch.Add(PatchOperation.Set("/updatedMicros", Number(recorded.UpdatedMicros)));
        if (recorded.Ttl is { } ttl)
        {
            patch.Add(PatchOperation.Set("/ttl", Number(ttl)));
        }

        return patch;
    }

    /// <summary>
    /// A JSON number as these properties are stored (their attributes and names say so): a bare value in a patch is
    /// written by the documents' options, which write numbers as strings — and a string <c>dueMicros</c> would sort
    /// and compare as text in the worker's query (a test caught it).
    /// </summary>
    private static JsonElement Number(long value) => JsonSerializer.SerializeToElement(value);

    /// <summary>The delivery after an attempt (not stored): succeeded, due again on its schedule, or failed for good.</summary>
    public WebhookDelivery AfterAttempt(WebhookDelivery delivery, DeliveryAttempt attempt, bool succeeded)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(attempt);
        var attempts = delivery.Attempts.Append(attempt).TakeLast(WebhookLimits.AttemptsKeptMax).ToList();
        var made = delivery.RoundAttempts + 1;
        var next = succeeded ? null : RetrySchedule.NextAttemptMicros(delivery.Id, made, delivery.RoundStartedMicros, attempt.AtMicros);
        var recorded = delivery with
        {
            Attempts = attempts,
            RoundAttempts = made,
            State = succeeded ? DeliveryState.Succeeded : next is null ? DeliveryState.Failed : DeliveryState.Pending,
            DueMicros = next ?? delivery.DueMicros,
            UpdatedMicros = NowMicros,
            ETag = null,
        };
        return Finished(recorded);
    }

    /// <summary>Cancels the endpoint's pending deliveries (the endpoint was deleted or disabled); returns those it canceled, as they were.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> CancelPendingAsync(string endpointId, string reason, CancellationToken cancellationToken)
    {
        var pending = await container.QueryAllAsync<WebhookDelivery>(
            new QueryDefinition("SELECT * FROM c WHERE c.state = 'pending'"), new QueryRequestOptions { PartitionKey = new PartitionKey(endpointId) }, cancellationToken);
        var canceled = new List<WebhookDelivery>();
        foreach (var delivery in pending)
        {
            var attempt = new DeliveryAttempt(NowMicros, null, reason, 0, null);
            var done = Finished(delivery with { State = DeliveryState.Canceled, Attempts = [.. delivery.Attempts.Append(attempt).TakeLast(WebhookLimits.AttemptsKeptMax)], UpdatedMicros = NowMicros });
            if (await ReplaceAsync(done, delivery.ETag, cancellationToken) is not null)
            {
                canceled.Add(delivery);
            }
        }

        return canceled;
    }

    /// <summary>
    /// Sends the event to the endpoint again: a new round, due now — a missing delivery is scheduled, any other one
    /// (finished or pending) starts its round afresh by compare-and-swap, so an attempt in flight meanwhile, whose record
    /// would otherwise close the delivery, loses its write (found in review). False when the delivery kept changing.
    /// </summary>
    public async Task<bool> RedeliverAsync(string merchantId, string endpointId, string eventId, string eventType, string body, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            var current = await container.ReadOrNullAsync<WebhookDelivery>(eventId, endpointId, cancellationToken);
            if (current is null)
            {
                if (await ScheduleAsync(merchantId, endpointId, eventId, eventType, body, cancellationToken))
                {
                    return true;
                }

                continue;
            }

            var now = NowMicros;
            // The body again: a delivery that succeeded at its first, inline, attempt was stored without it.
            var reopened = current with { Body = body, State = DeliveryState.Pending, RoundAttempts = 0, RoundStartedMicros = now, DueMicros = now, UpdatedMicros = now, Ttl = null };
            if (await ReplaceAsync(reopened, current.ETag, cancellationToken) is not null)
            {
                return true;
            }

            await Contention.BackOffAsync(attempt, cancellationToken);
        }

        return false;
    }

    /// <summary>The endpoint's deliveries, newest first, optionally in one state, after the cursor of the previous page.</summary>
    public async Task<DeliveriesPage> ListAsync(string endpointId, DeliveryState? state, int limit, string? after, CancellationToken cancellationToken)
    {
        var text = $"SELECT TOP {limit + 1} * FROM c WHERE true" + (state is null ? "" : " AND c.state = @state");
        var cursor = after is null ? ((long Micros, string Id)?)null : ParseCursor(after);
        if (cursor is { } c)
        {
            text += $" AND (c.createdMicros < {Numbers.Literal(c.Micros)} OR (c.createdMicros = {Numbers.Literal(c.Micros)} AND c.id < @afterId))";
        }

        var query = new QueryDefinition(text + " ORDER BY c.createdMicros DESC, c.id DESC")
            .WithParameter("@state", state?.ToString().ToLowerInvariant() ?? "")
            .WithParameter("@afterId", cursor?.Id ?? "");
        var found = await container.QueryAllAsync<WebhookDelivery>(query, new QueryRequestOptions { PartitionKey = new PartitionKey(endpointId) }, cancellationToken);
        var page = found.Take(limit).ToList();
        return new DeliveriesPage([.. page.Select(d => d.ToView())], found.Count > limit ? $"{page[^1].CreatedMicros}:{page[^1].Id}" : null);
    }

    /// <summary>(merchant, endpoint) of every endpoint with pending deliveries: whose workers must be running.</summary>
    public async Task<IReadOnlyList<(string MerchantId, string EndpointId)>> EndpointsWithPendingAsync(CancellationToken cancellationToken) =>
        [.. (await container.QueryAllAsync<PendingEndpoint>(new QueryDefinition("SELECT DISTINCT c.merchantId, c.endpointId FROM c WHERE c.state = 'pending'"), null, cancellationToken))
            .Select(p => (p.MerchantId, p.EndpointId))];

    /// <summary>A cursor is "&lt;created micros&gt;:&lt;event id&gt;"; anything else is the caller's mistake.</summary>
    public static (long Micros, string Id) ParseCursor(string cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        var colon = cursor.IndexOf(':', StringComparison.Ordinal);
        return colon is > 0 and <= 18
            && cursor[..colon].All(char.IsAsciiDigit)
            && long.TryParse(cursor.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
            && Events.EventIds.IsValid(cursor[(colon + 1)..])
            ? (micros, cursor[(colon + 1)..])
            : throw new ArgumentException("Not a delivery cursor.", nameof(cursor));
    }

    private static WebhookDelivery Finished(WebhookDelivery delivery) =>
        delivery.State == DeliveryState.Pending ? delivery : delivery with { Ttl = (int)WebhookLimits.DeliveryRetention.TotalSeconds };

    private async Task<WebhookDelivery?> ReplaceAsync(WebhookDelivery delivery, string? etag, CancellationToken cancellationToken)
    {
        try
        {
            var written = await container.ReplaceItemAsync(delivery with { ETag = null }, delivery.Id, new PartitionKey(delivery.EndpointId),
                new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken);
            return written.Resource;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private sealed record PendingEndpoint(string MerchantId, string EndpointId);
}
