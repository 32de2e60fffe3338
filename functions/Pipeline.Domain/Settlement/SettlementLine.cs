namespace Pipeline.Domain.Settlement;

public enum SettlementLineKind
{
    Payment,
    Fee,
    Refund,
    ReserveHeld,
    ReserveReleased,

    /// <summary>What the previous settlement left: a negative net, or a positive one below the minimum payout.</summary>
    CarriedIn,

    /// <summary>A payout the bank returned, owed again.</summary>
    PayoutReturned,
}

/// <summary>
/// One line of a settlement report: signed from the merchant's side (a payment adds, a fee or refund takes away). The
/// lines of a settlement add up to its net.
/// </summary>
/// <param name="Reference">The payment id (payment and fee lines), the refund's transfer id, the tranche's settlement id, the previous settlement's id, or the returned payout's id.</param>
/// <param name="AtMicros">When the payment or refund happened; for the other lines, the settlement's cut-off.</param>
public sealed record SettlementLine(SettlementLineKind Kind, string Reference, string? PaymentId, long AmountMinor, long AtMicros);

/// <summary>
/// A settlement's totals, all in minor units of its currency. <see cref="NetMinor"/> = captured − refunded − fees −
/// reserve held + reserve released + carried in + payouts returned; it is paid out in full (<see cref="PayoutMinor"/>) when it reaches the
/// minimum payout, and otherwise carried to the next settlement (<see cref="CarriedOutMinor"/>).
/// </summary>
public sealed record SettlementTotals(
    long CapturedMinor,
    long RefundedMinor,
    long FeesMinor,
    long ReserveHeldMinor,
    long ReserveReleasedMinor,
    long CarriedInMinor,
    long ReturnedMinor,
    long NetMinor,
    long PayoutMinor,
    long CarriedOutMinor);
