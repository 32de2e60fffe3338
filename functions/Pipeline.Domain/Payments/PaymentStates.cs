namespace Pipeline.Domain.Payments;

public enum CaptureMethod
{
    Automatic,
    Manual,
}

/// <summary>Where a payment stands; the transitions are in docs/PAYMENTS.md.</summary>
public enum PaymentStatus
{
    /// <summary>Recorded, its first ledger step not yet confirmed (seconds at most; any read completes it).</summary>
    Processing,
    RequiresCapture,
    Succeeded,
    Canceled,
    Declined,
    PartiallyRefunded,
    Refunded,
}

public enum CancellationReason
{
    Requested,
    Expired,
}

/// <summary>Where one authorisation (a ledger hold) of a manual payment stands.</summary>
public enum HoldState
{
    Held,
    Captured,
    Released,
}
