using Pipeline.Domain.Monetary;

namespace Pipeline.Domain.Ledgers;

[Flags]
public enum TransferFlags : byte
{
    None = 0,

    /// <summary>This transfer and the next one in the batch apply together or not at all.</summary>
    Linked = 1,

    /// <summary>A hold: the amount is reserved as pending until posted, voided or expired.</summary>
    Pending = 2,

    /// <summary>Posts (part of) the pending transfer named by <see cref="Transfer.PendingId"/>; the rest is released.</summary>
    PostPending = 4,

    /// <summary>Releases the whole pending transfer named by <see cref="Transfer.PendingId"/>.</summary>
    VoidPending = 8,
}

/// <summary>
/// A request to move <see cref="Amount"/> minor units from the debit account to the credit account. For a post or
/// a void the accounts and currency may be left empty (they are taken from the pending transfer) or must match it.
/// </summary>
public readonly record struct Transfer
{
    /// <summary>As the amount of a post or void: "all of the pending amount".</summary>
    public const long AmountOfPending = long.MaxValue;

    public required LedgerId Id { get; init; }
    public LedgerId DebitAccountId { get; init; }
    public LedgerId CreditAccountId { get; init; }
    public long Amount { get; init; }
    public Currency Currency { get; init; }

    /// <summary>For a post or void: the pending transfer it resolves. Zero otherwise.</summary>
    public LedgerId PendingId { get; init; }

    /// <summary>For a pending transfer: seconds until it expires and is released; 0 = never.</summary>
    public uint TimeoutSeconds { get; init; }

    public TransferFlags Flags { get; init; }

    /// <summary>Why the money moved, chosen by the application (top-up, payment, fee...).</summary>
    public ushort Code { get; init; }

    public bool IsLinked => (Flags & TransferFlags.Linked) != 0;

    public bool IsPending => (Flags & TransferFlags.Pending) != 0;

    public bool IsPostOrVoid => (Flags & (TransferFlags.PostPending | TransferFlags.VoidPending)) != 0;
}

/// <summary>Where a pending transfer stands. Only <see cref="Pending"/> holds money.</summary>
public enum PendingState : byte
{
    /// <summary>Not a pending transfer (a simple transfer, a post or a void).</summary>
    None = 0,
    Pending = 1,
    Posted = 2,
    Voided = 3,
    Expired = 4,
}

/// <summary>A transfer the ledger accepted: the request as submitted, plus what the ledger resolved.</summary>
/// <param name="Request">The transfer exactly as submitted; a resubmission is compared to it.</param>
/// <param name="DebitAccountId">The account debited (for a post or void: taken from the pending transfer).</param>
/// <param name="CreditAccountId">The account credited.</param>
/// <param name="AmountMinor">The amount that moved (for a post: what was posted; for a void: what was released).</param>
/// <param name="Currency">The currency of both accounts.</param>
/// <param name="Timestamp">Unique, increasing UTC ticks at which the ledger applied it.</param>
/// <param name="ExpiresAt">For a pending transfer with a timeout: UTC ticks at which it expires; 0 otherwise.</param>
/// <param name="State">For a pending transfer: whether it is still held, posted, voided or expired.</param>
public readonly record struct TransferRecord(
    Transfer Request,
    LedgerId DebitAccountId,
    LedgerId CreditAccountId,
    long AmountMinor,
    Currency Currency,
    long Timestamp,
    long ExpiresAt,
    PendingState State);
