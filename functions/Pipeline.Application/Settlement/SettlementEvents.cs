using System.Text.Json;
using Pipeline.Application.Events;
using Pipeline.Application.Http;

namespace Pipeline.Application.Settlement;

/// <summary>The settlement events (docs/EVENTS.md), each written in the same batch as its change.</summary>
public static class SettlementEvents
{
    public const string Completed = "settlement.completed";
    public const string PayoutCreated = "payout.created";
    public const string PayoutReturned = "payout.returned";

    public static IReadOnlyList<string> Types { get; } = [Completed, PayoutCreated, PayoutReturned];

    public static OutboxDocument CompletedOf(SettlementDocument settlement) =>
        Of(Completed, $"/v1/settlements/{settlement.Id}", settlement.Id, 1, settlement.CreatedMicros, settlement.MerchantId, SettlementView.Of(settlement));

    /// <summary>The payout's event for its current state: created (sequence 1) or returned (2).</summary>
    public static OutboxDocument PayoutEventOf(PayoutDocument payout, long timeMicros) =>
        Of(payout.Status == PayoutStatus.Returned ? PayoutReturned : PayoutCreated, $"/v1/payouts/{payout.Id}", payout.Id, payout.EventSequence, timeMicros,
            payout.MerchantId, PayoutView.Of(payout));

    private static OutboxDocument Of(string type, string source, string subject, long sequence, long timeMicros, string merchantId, object view)
    {
        var data = JsonSerializer.SerializeToElement(view, view.GetType(), ApiJson.Options);
        return OutboxDocument.Of(merchantId, EventEnvelope.Of(type, source, subject, sequence, timeMicros, data), timeMicros);
    }
}
