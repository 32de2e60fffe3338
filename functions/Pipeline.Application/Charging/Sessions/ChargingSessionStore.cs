using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Http;

namespace Pipeline.Application.Charging.Sessions;

/// <summary>
/// Charging sessions in the merchant's partition of <c>charging-sessions</c>, each write a compare-and-swap on the
/// session's ETag; a write that changes what a receiver should learn carries its event in the same batch (the outbox,
/// docs/EVENTS.md), so no change is stored without its event or the other way round.
/// </summary>
public sealed class ChargingSessionStore(Database database)
{
    public const string ContainerName = "charging-sessions";
    public const string IdPrefix = "chs_";

    /// <summary>What a page's cursor starts with; the last session's creation time and id follow.</summary>
    public const string CursorPrefix = "session:";

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties() => OutboxContainers.ListedNewestFirst(ContainerName);

    /// <summary>A session's id: OCPP's transactionId is unique within its station, so the id is derived from both (and the merchant).</summary>
    public static string IdOf(string merchantId, string stationId, string transactionId) =>
        ResourceIds.Derived(IdPrefix, $"{merchantId}\n{stationId}\n{transactionId}");

    public Task<ChargingSession?> GetAsync(string merchantId, string id, CancellationToken cancellationToken) =>
        container.ReadOrNullAsync<ChargingSession>(id, merchantId, cancellationToken);

    /// <summary>
    /// Creates (<paramref name="before"/> null) or replaces the session If-Match, with the events <paramref name="eventTypes"/>
    /// about it (numbered in that order). Returns the session as stored with its new ETag, or null when another writer came first.
    /// </summary>
    public async Task<ChargingSession?> WriteAsync(ChargingSession? before, ChargingSession after, IReadOnlyList<string> eventTypes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(eventTypes);
        var stored = after with { ETag = null, EventSequence = after.EventSequence + eventTypes.Count };
        var batch = container.CreateTransactionalBatch(new PartitionKey(stored.MerchantId));
        batch = before is null
            ? batch.CreateItem(stored, NoContent.BatchItem)
            : batch.ReplaceItem(stored.Id, stored, new TransactionalBatchItemRequestOptions { IfMatchEtag = before.ETag, EnableContentResponseOnWrite = false });
        var data = eventTypes.Count == 0 ? default : JsonSerializer.SerializeToElement(SessionViews.Of(stored), ApiJson.Options);
        for (var i = 0; i < eventTypes.Count; i++)
        {
            var sequence = after.EventSequence + i + 1;
            var envelope = EventEnvelope.Of(eventTypes[i], $"/v1/charging/sessions/{stored.Id}", stored.Id, sequence, stored.UpdatedMicros, data);
            batch.CreateItem(OutboxDocument.Of(stored.MerchantId, envelope, stored.UpdatedMicros), NoContent.BatchItem);
        }

        using var response = await batch.ExecuteAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return stored with { ETag = response[0].ETag };
        }

        var lost = before is null ? HttpStatusCode.Conflict : HttpStatusCode.PreconditionFailed;
        if (response.Count > 0 && response[0].StatusCode == lost)
        {
            return null;
        }

        throw new CosmosException($"Writing charging session {stored.Id} failed: {response.StatusCode}.", response.StatusCode, 0, response.ActivityId, response.RequestCharge);
    }

    /// <summary>The merchant's sessions, newest first, optionally of one station and in one status.</summary>
    public async Task<(IReadOnlyList<ChargingSession> Sessions, string? Next)> ListAsync(
        string merchantId, string? stationId, SessionStatus? status, int limit, (long CreatedMicros, string Id)? after, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, ChargingLimits.PageSizeMax);
        // Times as literals: a parameter would go through the store's serializer, which writes numbers as strings.
        var text = $"SELECT TOP {limit + 1} * FROM c WHERE {EventLimits.NotAnEvent}"
            + (stationId is null ? "" : " AND c.stationId = @station")
            + (status is null ? "" : " AND c.status = @status")
            + (after is { } cursor ? $" AND (c.createdMicros < {Numbers.Literal(cursor.CreatedMicros)} OR (c.createdMicros = {Numbers.Literal(cursor.CreatedMicros)} AND c.id < @afterId))" : "")
            + " ORDER BY c.createdMicros DESC, c.id DESC";
        var query = new QueryDefinition(text)
            .WithParameter("@station", stationId ?? "")
            .WithParameter("@status", status is { } s ? JsonNamingPolicy.CamelCase.ConvertName(s.ToString()) : "")
            .WithParameter("@afterId", after?.Id ?? "");
        var found = await container.QueryAllAsync<ChargingSession>(query, new QueryRequestOptions { PartitionKey = new PartitionKey(merchantId) }, cancellationToken);
        var page = found.Take(limit).ToList();
        return (page, found.Count > limit ? $"{CursorPrefix}{page[^1].CreatedMicros}:{page[^1].Id}" : null);
    }
}
