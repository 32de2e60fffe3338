using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Http;

namespace Pipeline.Application.Webhooks;

/// <summary>
/// Writes an endpoint together with the event about it, as one transactional batch in the merchant's partition (the
/// outbox, docs/EVENTS.md): a create, a replace If-Match, or a delete If-Match, each with its event; neither is stored
/// without the other, and a lost compare-and-swap writes nothing.
/// </summary>
internal static class EndpointWrites
{
    public enum Kind
    {
        Create,
        Replace,
        Delete,
    }

    /// <summary>Whether it was written (false: another writer came first, or the endpoint is gone), and the endpoint as stored with its new ETag (null after a delete).</summary>
    public static async Task<(bool Written, WebhookEndpoint? Stored)> WriteAsync(
        Container container, Kind kind, WebhookEndpoint endpoint, string eventType, CancellationToken cancellationToken)
    {
        var stored = endpoint with { EventSequence = endpoint.EventSequence + 1, ETag = null };
        var data = JsonSerializer.SerializeToElement(stored.ToView(), ApiJson.Options);
        var envelope = EventEnvelope.Of(eventType, $"/v1/webhook-endpoints/{stored.Id}", stored.Id, stored.EventSequence, stored.UpdatedMicros, data);
        var options = new TransactionalBatchItemRequestOptions { IfMatchEtag = endpoint.ETag, EnableContentResponseOnWrite = false };
        var batch = container.CreateTransactionalBatch(new PartitionKey(stored.MerchantId));
        batch = kind switch
        {
            Kind.Create => batch.CreateItem(stored, NoContent.BatchItem),
            Kind.Replace => batch.ReplaceItem(stored.Id, stored, options),
            _ => batch.DeleteItem(stored.Id, options),
        };
        batch.CreateItem(OutboxDocument.Of(stored.MerchantId, envelope, stored.UpdatedMicros), NoContent.BatchItem);
        using var response = await batch.ExecuteAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return (true, kind == Kind.Delete ? null : stored with { ETag = response[0].ETag });
        }

        var lost = kind == Kind.Create ? HttpStatusCode.Conflict : HttpStatusCode.PreconditionFailed;
        if (response.Count > 0 && (response[0].StatusCode == lost || (kind != Kind.Create && response[0].StatusCode == HttpStatusCode.NotFound)))
        {
            return (false, null);
        }

        throw new CosmosException($"Writing webhook endpoint {stored.Id} with its event failed: {response.StatusCode}.", response.StatusCode, 0, response.ActivityId, response.RequestCharge);
    }
}
