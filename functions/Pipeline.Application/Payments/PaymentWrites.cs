using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Http;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Payments;

/// <summary>
/// Writes a payment together with the event its change emits (<see cref="PaymentEvents"/>), as one transactional
/// batch in the merchant's partition: the payment with its <see cref="Payment.EventSequence"/> counted on, and the
/// event as an <see cref="OutboxDocument"/>. Either both are stored or neither, so a payment never has a change
/// without its event, nor an event without its change; a lost compare-and-swap writes no event, so sequences have no
/// gaps. The event is built from the stored payment alone (its time is the change's), so a payment written again —
/// by recovery, from a charge's memo — carries the same event, with the same id.
/// </summary>
internal static class PaymentWrites
{
    /// <summary>
    /// The payment as it is stored after going from <paramref name="before"/> (null: new), and its event if the change
    /// emits one. <paramref name="after"/>'s <see cref="Payment.EventSequence"/> must be known.
    /// </summary>
    public static (Payment Stored, OutboxDocument? Event) WithEvent(Payment? before, Payment after)
    {
        var last = after.EventSequence ?? throw new InvalidOperationException($"Payment {after.Id}: its event sequence is not known.");
        var type = PaymentEvents.TypeOf(before, after);
        if (type is null)
        {
            return (after, null);
        }

        var stored = after with { EventSequence = last + 1 };
        var data = JsonSerializer.SerializeToElement(PaymentViews.Of(stored, stored.UpdatedMicros), ApiJson.Options);
        var envelope = EventEnvelope.Of(type, $"/v1/payments/{stored.Id}", stored.Id, last + 1, stored.UpdatedMicros, data);
        return (stored, OutboxDocument.Of(stored.MerchantId, envelope, stored.UpdatedMicros));
    }

    /// <summary>
    /// Creates a new payment with its event, if its state emits one. The payment as stored (with its ETag), or null when
    /// a document with its id exists (nothing was written).
    /// </summary>
    public static async Task<Payment?> CreateAsync(Container container, Payment payment, CancellationToken cancellationToken)
    {
        var (stored, change) = WithEvent(null, payment with { EventSequence = payment.EventSequence ?? 0 });
        var batch = container.CreateTransactionalBatch(new PartitionKey(stored.MerchantId)).CreateItem(stored with { ETag = null }, NoContent.BatchItem);
        return await ExecuteAsync(batch, change, HttpStatusCode.Conflict, stored.Id, cancellationToken) is { } etag ? stored with { ETag = etag } : null;
    }

    /// <summary>
    /// Replaces the payment, last read as <paramref name="before"/>, with <paramref name="after"/> if it is still at
    /// <paramref name="etag"/>, with the event the change emits. The payment as stored (with its new ETag), or null
    /// when another writer changed it first (nothing was written).
    /// </summary>
    public static async Task<Payment?> ReplaceAsync(Container container, Payment before, Payment after, string etag, CancellationToken cancellationToken)
    {
        var known = after.EventSequence is null ? after with { EventSequence = await LastEventSequenceAsync(container, after, cancellationToken) } : after;
        var (stored, change) = WithEvent(before, known);
        var batch = container.CreateTransactionalBatch(new PartitionKey(stored.MerchantId))
            .ReplaceItem(stored.Id, stored with { ETag = null }, new TransactionalBatchItemRequestOptions { IfMatchEtag = etag, EnableContentResponseOnWrite = false });
        return await ExecuteAsync(batch, change, HttpStatusCode.PreconditionFailed, stored.Id, cancellationToken) is { } newEtag
            ? stored with { ETag = newEtag }
            : null;
    }

    /// <summary>
    /// The sequence of the payment's last stored event (0 if none): for a payment whose counter is not known — stored
    /// before events existed, or rewritten by an older build during a deployment, which drops the field. Events
    /// older than <see cref="EventLimits.OutboxRetention"/> have expired; counting on from an earlier number then is
    /// harmless, because event ids include the change's time.
    /// </summary>
    private static async Task<long> LastEventSequenceAsync(Container container, Payment payment, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition($"SELECT VALUE MAX(c.sequence) FROM c WHERE c.docType = '{OutboxDocument.EventDocType}' AND c.subject = @id")
            .WithParameter("@id", payment.Id);
        var found = await container.QueryAllAsync<long?>(query, new QueryRequestOptions { PartitionKey = new PartitionKey(payment.MerchantId) }, cancellationToken);
        return found.FirstOrDefault() ?? 0;
    }

    /// <summary>The payment's new ETag; null when its write met <paramref name="lost"/>; any other failure throws.</summary>
    private static async Task<string?> ExecuteAsync(TransactionalBatch batch, OutboxDocument? change, HttpStatusCode lost, string paymentId, CancellationToken cancellationToken)
    {
        if (change is not null)
        {
            batch.CreateItem(change, NoContent.BatchItem);
        }

        using var response = await batch.ExecuteAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response[0].ETag;
        }

        if (response.Count > 0 && response[0].StatusCode == lost)
        {
            return null;
        }

        // The event's id is derived from the payment and its sequence: one that exists while its payment change does
        // not is a broken invariant, as is any other failure of the batch.
        throw new CosmosException(
            $"Writing payment {paymentId} with its event failed: {response.StatusCode} / {(response.Count > 0 ? response[0].StatusCode : response.StatusCode)}.",
            response.StatusCode, 0, response.ActivityId, response.RequestCharge);
    }

}
