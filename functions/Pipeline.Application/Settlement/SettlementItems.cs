using System.Text.Json;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Domain.Payments;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Settlement;

/// <summary>A capture or refund and its event's position in the merchant's log.</summary>
public sealed record PositionedItem(SettlementItem Item, long Position);

/// <summary>
/// What a settlement settles, read from the merchant's event log: each capture (<c>payment.succeeded</c>) and each refund
/// (<c>payment.partially_refunded</c>, <c>payment.refunded</c>), at its position. The log is written in the same batch as
/// every payment's change and gives each event one place, so reading it from a position on sees every capture and
/// refund exactly once, however late recovery wrote it (docs/SETTLEMENT.md "Why the event log").
/// </summary>
public static class SettlementItems
{
    public static IReadOnlyList<string> Types { get; } = [PaymentEvents.Succeeded, PaymentEvents.PartiallyRefunded, PaymentEvents.Refunded];

    /// <summary>
    /// The captures and refunds at positions (<paramref name="after"/>, <paramref name="upTo"/>] that happened before
    /// <paramref name="cutoffMicros"/>, in log order, each with its position, stopping at the first that did not (a late
    /// one after it waits for the next day) and at <paramref name="max"/>. <c>All</c>: none was left in the range.
    /// </summary>
    public static async Task<(IReadOnlyList<PositionedItem> Items, bool All)> ReadAsync(
        EventLog log, string merchantId, long after, long upTo, long cutoffMicros, int max, CancellationToken cancellationToken)
    {
        var items = new List<PositionedItem>();
        var position = after;
        while (items.Count < max)
        {
            var size = Math.Min(SettlementLimits.LogPageSize, max - items.Count);
            var page = await log.ReadAsync(merchantId, [.. Types], position, upTo, size, cancellationToken);
            foreach (var logged in page)
            {
                var item = ItemOf(logged.Envelope);
                if (item.AtMicros >= cutoffMicros)
                {
                    return (items, false);
                }

                items.Add(new PositionedItem(item, logged.Position));
                position = logged.Position;
            }

            if (page.Count < size)
            {
                return (items, true);
            }
        }

        return (items, false);
    }

    /// <summary>The captures and refunds at positions (<paramref name="from"/>, <paramref name="to"/>]: a round's, read again to write its lines.</summary>
    public static async Task<IReadOnlyList<SettlementItem>> ReadRangeAsync(EventLog log, string merchantId, long from, long to, CancellationToken cancellationToken)
    {
        var items = new List<SettlementItem>();
        for (var position = from; position < to;)
        {
            var page = await log.ReadAsync(merchantId, [.. Types], position, to, SettlementLimits.LogPageSize, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            items.AddRange(page.Select(e => ItemOf(e.Envelope)));
            position = page[^1].Position;
        }

        return items;
    }

    /// <summary>A capture's amount captured; a refund's amount is the payment's newest refund (each refund emits one event).</summary>
    public static SettlementItem ItemOf(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var data = envelope.Data;
        var currency = data.GetProperty("currency").GetString() ?? throw new JsonException($"Event {envelope.Id} has no currency.");
        var at = CosmosTime.ToMicros(envelope.Time);
        if (envelope.Type == PaymentEvents.Succeeded)
        {
            return new SettlementItem(SettlementItemKind.Payment, envelope.Subject, envelope.Subject, currency, data.GetProperty("amountCaptured").GetInt64(), at);
        }

        var refund = data.GetProperty("refunds").EnumerateArray().LastOrDefault();
        if (refund.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"Refund event {envelope.Id} lists no refund.");
        }

        var transferId = refund.GetProperty("transferId").GetString() ?? throw new JsonException($"Refund event {envelope.Id}: a refund without a transfer id.");
        return new SettlementItem(SettlementItemKind.Refund, envelope.Subject, transferId, currency, refund.GetProperty("amount").GetInt64(), at);
    }
}
