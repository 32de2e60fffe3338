using System.Text.Json.Serialization;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Payments;

/// <summary>
/// A payment as stored (container "payments", partition = merchant, so a merchant's list is one partition and
/// another merchant's payment is simply not found). Every change goes through <see cref="Pending"/>: the
/// operation and its ledger steps are written here first (If-Match), then the steps run, then their outcome
/// is folded in and <see cref="Pending"/> cleared (If-Match again). Whoever finds an operation pending — a
/// concurrent request, a later read, the maintenance sweep — runs the same steps again (their transfer ids are
/// derived from the payment id, so the ledger applies each once) and finishes it.
/// </summary>
internal sealed record PaymentDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string MerchantId { get; init; }
    public required string WalletId { get; init; }
    public required string Currency { get; init; }
    public required CaptureMethod CaptureMethod { get; init; }
    public required PaymentStatus Status { get; init; }

    /// <summary>Authorised: the charge, or the first hold plus every increment that was granted.</summary>
    public long Amount { get; init; }

    public long AmountCaptured { get; init; }
    public long AmountRefunded { get; init; }
    public string? Reference { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    public IReadOnlyList<PaymentHold> Holds { get; init; } = [];
    public IReadOnlyList<PaymentRefund> Refunds { get; init; } = [];

    /// <summary>Hold and refund steps planned so far, granted or not: a refused step's id is spent in the ledger.</summary>
    public int HoldSteps { get; init; }

    public int RefundSteps { get; init; }

    public string? DeclineCode { get; init; }
    public CancellationReason? CancellationReason { get; init; }

    /// <summary>The operation under way, or null.</summary>
    public PaymentOperation? Pending { get; init; }

    /// <summary>Every operation finished, with its outcome: how a request learns what became of its own.</summary>
    public IReadOnlyList<OperationRecord> History { get; init; } = [];

    /// <summary>End of the authorisation window (manual payments); 0 for automatic ones.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long ExpiresAtMicros { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long CreatedMicros { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long UpdatedMicros { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    /// <summary>
    /// The ledger transfer id of a step: the same for every run of the step, so the ledger applies it once. A charge's is reserved — the ledger records a charge by id
    /// only when it completes, so no transfer request may be able to take that id meanwhile.
    /// </summary>
    public LedgerId TransferIdOf(StepKind kind, int index)
    {
        var name = $"payment:{Id}:{kind}:{index}".ToLowerInvariant();
        return kind == StepKind.Charge ? LedgerId.Reserved(name) : LedgerId.FromName(name);
    }
}

internal enum PaymentOperationKind
{
    Authorize,
    Increment,
    Capture,
    Cancel,
    Expire,
    Refund,
}

/// <summary>The ledger transfers a payment makes: a charge (automatic), holds and their capture or release, refunds.</summary>
internal enum StepKind
{
    Charge,
    Hold,
    Capture,
    Release,
    Refund,
}

/// <param name="Index">Which hold (for Hold, Capture, Release) or which refund.</param>
/// <param name="TimeoutSeconds">For a hold: its expiry, fixed when planned so a re-run asks the ledger the same.</param>
internal sealed record PaymentStep(StepKind Kind, int Index, long Amount, uint TimeoutSeconds = 0);

/// <param name="Amount">What the operation moves (for "all", resolved when it was planned).</param>
/// <param name="Request">The amount as asked ("all" when none was given): a retry under the same key must ask the same.</param>
internal sealed record PaymentOperation(string Id, PaymentOperationKind Kind, long Amount, IReadOnlyList<PaymentStep> Steps, long StartedMicros, string? Request = null);

/// <param name="Failure">The stable code of why it failed, or null when it succeeded.</param>
internal sealed record OperationRecord(string Id, PaymentOperationKind Kind, long Amount, string? Failure, long AtMicros, string? Request = null);

internal sealed record PaymentHold(int Index, long Amount, HoldState State, long AmountCaptured, StepKind? ResolvedBy);

internal sealed record PaymentRefund(int Index, long Amount, long CreatedMicros);
