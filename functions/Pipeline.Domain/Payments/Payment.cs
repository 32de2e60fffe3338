using Pipeline.Domain.Ledgers;

namespace Pipeline.Domain.Payments;

/// <summary>
/// A payment's state. Every change goes through <see cref="Pending"/>: the operation and its ledger steps are
/// recorded first, then the steps run, then their outcome is folded in and <see cref="Pending"/> cleared
/// (<see cref="PaymentRules"/>, <see cref="PaymentPlans"/>, <see cref="PaymentCompletion"/>). Whoever finds an
/// operation pending runs the same steps again (their transfer ids are derived from the payment id, so the ledger
/// applies each once) and finishes it.
/// </summary>
public sealed record Payment
{
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

    /// <summary>End of the authorisation window (manual payments), Unix microseconds; 0 for automatic ones.</summary>
    public long ExpiresAtMicros { get; init; }

    public long CreatedMicros { get; init; }

    public long UpdatedMicros { get; init; }

    /// <summary>
    /// How many events this payment has emitted (<see cref="PaymentEvents"/>): the last one's sequence. Each is
    /// written in the same batch as the change it describes. Null when not known: a payment stored before events
    /// existed, or written since by a build that did not know them (it drops the field) — the store then counts on
    /// from the payment's events as stored.
    /// </summary>
    public long? EventSequence { get; init; }

    /// <summary>The store's version of this state (opaque; null for a state not read from the store). The rules carry it along untouched.</summary>
    public string? ETag { get; init; }

    /// <summary>
    /// The ledger transfer id of a step: the same for every run of the step, so the ledger applies it once. A
    /// charge's is reserved — the ledger records a charge by id only when it completes, so no transfer request may
    /// be able to take that id meanwhile.
    /// </summary>
    public LedgerId TransferIdOf(StepKind kind, int index)
    {
        var name = $"payment:{Id}:{kind}:{index}".ToLowerInvariant();
        return kind == StepKind.Charge ? LedgerId.Reserved(name) : LedgerId.FromName(name);
    }
}

public sealed record PaymentHold(int Index, long Amount, HoldState State, long AmountCaptured, StepKind? ResolvedBy);

public sealed record PaymentRefund(int Index, long Amount, long CreatedMicros);

/// <summary>What a payment is opened with: the one definition of "the same payment" for retries and recovery.</summary>
public sealed record PaymentTerms(
    long Amount, string Currency, string WalletId, CaptureMethod CaptureMethod, string? Reference, IReadOnlyDictionary<string, string>? Metadata);
