using Pipeline.Application.Cosmos;
using Pipeline.Application.Merchants;

namespace Pipeline.Application.Settlement;

/// <summary>A settlement as the API shows it: every total in minor units of its currency (docs/SETTLEMENT.md).</summary>
/// <param name="Status"><c>paid_out</c> (its net went to a payout) or <c>carried</c> (below the minimum, negative, or withheld).</param>
/// <param name="PeriodEnd">What happened before this instant was settled (the day's cut-off, or the run's time for a day not over).</param>
public sealed record SettlementView(
    string Id,
    string MerchantId,
    string Currency,
    DateOnly Date,
    string Status,
    DateTimeOffset PeriodEnd,
    long CapturedAmount,
    long RefundedAmount,
    long FeesAmount,
    long ReserveHeldAmount,
    long ReserveReleasedAmount,
    long CarriedInAmount,
    long PayoutsReturnedAmount,
    long NetAmount,
    long PayoutAmount,
    long CarriedOutAmount,
    string? PayoutId,
    string? PayoutWithheld,
    DateOnly? ReserveReleaseOn,
    int LineCount,
    string RunId,
    DateTimeOffset CreatedAt)
{
    public static SettlementView Of(SettlementDocument d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var t = d.Totals;
        return new(d.Id, d.MerchantId, d.Currency, d.Date, d.PayoutId is null ? "carried" : "paid_out", At(d.CutoffMicros),
            t.CapturedMinor, t.RefundedMinor, t.FeesMinor, t.ReserveHeldMinor, t.ReserveReleasedMinor, t.CarriedInMinor, t.ReturnedMinor,
            t.NetMinor, t.PayoutMinor, t.CarriedOutMinor, d.PayoutId, d.PayoutWithheld, d.ReserveReleaseOn, d.LineCount, d.RunId, At(d.CreatedMicros));
    }

    internal static DateTimeOffset At(long micros) => new(CosmosTime.ToTicks(micros), TimeSpan.Zero);
}

/// <summary>A payout as the API shows it. <c>sepa</c>: whether a pain.001 file can be fetched (EUR only).</summary>
public sealed record PayoutView(
    string Id,
    string MerchantId,
    string SettlementId,
    long Amount,
    string Currency,
    string Status,
    PayoutAccount Account,
    DateOnly ExecutionDate,
    bool Sepa,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReturnedAt,
    string? ReturnReason)
{
    public static PayoutView Of(PayoutDocument p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.Id, p.MerchantId, p.SettlementId, p.AmountMinor, p.Currency, p.Status == PayoutStatus.Returned ? "returned" : "created", p.Account,
            p.ExecutionDate, PayoutFiles.IsSepa(p.Currency), SettlementView.At(p.CreatedMicros), p.ReturnedMicros is { } r ? SettlementView.At(r) : null, p.ReturnReason);
    }
}
