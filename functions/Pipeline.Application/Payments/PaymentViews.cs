using Pipeline.Application.Cosmos;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Payments;

/// <summary>A payment as the API shows it at a moment (what is capturable, and whether its window has passed, depend on it).</summary>
public static class PaymentViews
{
    public static PaymentView Of(Payment p, long now)
    {
        var (status, reason) = PaymentRules.Visible(p, now);
        return new PaymentView(
            p.Id,
            status,
            p.Amount,
            p.Currency,
            PaymentRules.Capturable(p, now),
            p.AmountCaptured,
            p.AmountRefunded,
            p.CaptureMethod,
            new PaymentSource(p.WalletId),
            p.Reference,
            p.Metadata,
            p.DeclineCode,
            reason,
            p.ExpiresAtMicros == 0 ? null : At(p.ExpiresAtMicros),
            p.CaptureMethod == CaptureMethod.Automatic && p.AmountCaptured > 0 ? p.TransferIdOf(StepKind.Charge, 0).ToString() : null,
            [.. p.Holds.Select(h => new HoldView(
                p.TransferIdOf(StepKind.Hold, h.Index).ToString(),
                h.Amount,
                status == PaymentStatus.Canceled && h.State == HoldState.Held ? HoldState.Released : h.State,
                h.AmountCaptured,
                h.ResolvedBy is { } by ? p.TransferIdOf(by, h.Index).ToString() : null))],
            [.. p.Refunds.Select(r => new RefundView(p.TransferIdOf(StepKind.Refund, r.Index).ToString(), r.Amount, At(r.CreatedMicros)))],
            PaymentRules.CapturedAtMicros(p) is { } captured ? At(captured) : null,
            At(p.CreatedMicros),
            At(p.UpdatedMicros));
    }

    private static DateTimeOffset At(long micros) => new(CosmosTime.ToTicks(micros), TimeSpan.Zero);
}
