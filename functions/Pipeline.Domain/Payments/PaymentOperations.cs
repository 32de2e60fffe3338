namespace Pipeline.Domain.Payments;

public enum PaymentOperationKind
{
    Authorize,
    Increment,
    Capture,
    Cancel,
    Expire,
    Refund,
}

/// <summary>The ledger transfers a payment makes: a charge (automatic), holds and their capture or release, refunds.</summary>
public enum StepKind
{
    Charge,
    Hold,
    Capture,
    Release,
    Refund,
}

/// <param name="Index">Which hold (for Hold, Capture, Release) or which refund.</param>
/// <param name="TimeoutSeconds">For a hold: its expiry, fixed when planned so a re-run asks the ledger the same.</param>
public sealed record PaymentStep(StepKind Kind, int Index, long Amount, uint TimeoutSeconds = 0);

/// <param name="Amount">What the operation moves (for "all", resolved when it was planned).</param>
/// <param name="Request">The amount as asked ("all" when none was given): a retry under the same key must ask the same.</param>
public sealed record PaymentOperation(string Id, PaymentOperationKind Kind, long Amount, IReadOnlyList<PaymentStep> Steps, long StartedMicros, string? Request = null);

/// <param name="Failure">The stable code of why it failed, or null when it succeeded.</param>
public sealed record OperationRecord(string Id, PaymentOperationKind Kind, long Amount, string? Failure, long AtMicros, string? Request = null);
