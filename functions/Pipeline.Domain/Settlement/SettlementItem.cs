namespace Pipeline.Domain.Settlement;

public enum SettlementItemKind
{
    /// <summary>A payment captured (an automatic charge, or a capture of an authorisation): the merchant earned it.</summary>
    Payment,

    /// <summary>A refund granted: the merchant gives it back.</summary>
    Refund,
}

/// <summary>
/// One capture or refund to settle, as its event recorded it.
/// </summary>
/// <param name="Reference">What it settles, unique among items: the payment id for a capture, the refund's ledger transfer id for a refund.</param>
/// <param name="AmountMinor">What was captured or refunded (never negative).</param>
/// <param name="AtMicros">When it happened (the change's time): the fee follows the pricing in force then.</param>
public sealed record SettlementItem(SettlementItemKind Kind, string PaymentId, string Reference, string Currency, long AmountMinor, long AtMicros);

/// <summary>A part of the reserve held by an earlier settlement, released on <see cref="ReleaseOn"/> (the merchant's settlement date).</summary>
/// <param name="Id">The settlement that held it.</param>
public sealed record ReserveTranche(string Id, string Currency, long AmountMinor, DateOnly ReleaseOn);

/// <summary>A payout the bank sent back: its amount is owed to the merchant again, in the next settlement of its currency.</summary>
/// <param name="Id">The payout.</param>
public sealed record ReturnedPayout(string Id, string Currency, long AmountMinor);
