using Pipeline.Domain.Monetary;

namespace Pipeline.Domain.Payments;

/// <summary>
/// Which operation a payment in its state allows, and the ledger steps it takes: one function per operation. A
/// refusal changes nothing; an operation is recorded with <see cref="PaymentRules.Begin"/> before its steps run.
/// </summary>
public static class PaymentPlans
{
    /// <summary>The operation <paramref name="kind"/> on the payment as it is, or why it is refused.</summary>
    /// <param name="amount">What to move; null for "all" (capture, refund).</param>
    /// <param name="operationId">The new operation's id; a fresh one when null.</param>
    public static PaymentRefusal? Plan(
        Payment payment, PaymentOperationKind kind, long? amount, long nowMicros, out PaymentOperation operation, string? operationId = null)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var (refusal, total, steps) = kind switch
        {
            PaymentOperationKind.Capture => Capture(payment, amount, nowMicros),
            PaymentOperationKind.Increment => Increment(payment, amount ?? throw new ArgumentNullException(nameof(amount), "An increment has an amount."), nowMicros),
            PaymentOperationKind.Cancel => Release(payment, nowMicros, expiring: false),
            PaymentOperationKind.Expire => Release(payment, nowMicros, expiring: true),
            PaymentOperationKind.Refund => Refund(payment, amount, nowMicros),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Payments are authorised when they are opened."),
        };
        operation = refusal is null ? new PaymentOperation(operationId ?? PaymentRules.NewOperationId(), kind, total, steps, nowMicros, PaymentRules.RequestOf(amount)) : null!;
        return refusal;
    }

    /// <summary>Holds in the order they were granted: each captures what is left to capture, the rest is released.</summary>
    private static Planned Capture(Payment payment, long? amount, long nowMicros)
    {
        if (NotAuthorized(payment, nowMicros, PaymentErrors.NotCapturable, "captured") is { } refusal)
        {
            return refusal;
        }

        var held = PaymentRules.Held(payment).ToList();
        var capturable = held.Sum(h => h.Amount);
        var total = amount ?? capturable;
        if (total > capturable)
        {
            return new PaymentRefusal(PaymentRefusalKind.AmountNotAllowed, PaymentErrors.AmountExceedsCapturable, $"At most {capturable} can be captured; {total} was asked.");
        }

        var steps = new List<PaymentStep>(held.Count);
        var left = total;
        foreach (var hold in held)
        {
            var take = Math.Min(left, hold.Amount);
            steps.Add(take > 0 ? new PaymentStep(StepKind.Capture, hold.Index, take) : new PaymentStep(StepKind.Release, hold.Index, hold.Amount));
            left -= take;
        }

        return new Planned(null, total, steps);
    }

    /// <summary>One more hold; it ends no earlier than the window (a second past it, so the payment expires first).</summary>
    private static Planned Increment(Payment payment, long amount, long nowMicros)
    {
        if (NotAuthorized(payment, nowMicros, PaymentErrors.NotIncrementable, "incremented") is { } refusal)
        {
            return refusal;
        }

        if (payment.Holds.Count > PaymentLimits.IncrementsMax || payment.HoldSteps > PaymentLimits.IncrementsMax * PaymentLimits.AttemptsPerGrant)
        {
            return new PaymentRefusal(PaymentRefusalKind.LimitReached, PaymentErrors.IncrementLimitReached, $"A payment takes at most {PaymentLimits.IncrementsMax} increments.");
        }

        if (payment.Amount + amount > AmountLimits.AmountMinorMax)
        {
            return new PaymentRefusal(PaymentRefusalKind.AmountNotAllowed, PaymentErrors.AmountTooLarge, $"A payment authorises at most {AmountLimits.AmountMinorMax} minor units in all.");
        }

        var timeout = (uint)Math.Max(1, ((payment.ExpiresAtMicros - nowMicros + 999_999) / 1_000_000) + 1);
        return new Planned(null, amount, [new PaymentStep(StepKind.Hold, payment.HoldSteps, amount, timeout)]);
    }

    /// <summary>Every held amount released: a cancel (refused once the window has passed) or the expiry.</summary>
    private static Planned Release(Payment payment, long nowMicros, bool expiring)
    {
        if (payment.Status != PaymentStatus.RequiresCapture || (!expiring && PaymentRules.IsDue(payment, nowMicros)))
        {
            return new PaymentRefusal(PaymentRefusalKind.NotAllowed, PaymentErrors.NotCancelable, $"A payment that is {PaymentRules.Describe(payment, nowMicros)} cannot be canceled.");
        }

        var held = PaymentRules.Held(payment).ToList();
        return new Planned(null, held.Sum(h => h.Amount), [.. held.Select(h => new PaymentStep(StepKind.Release, h.Index, h.Amount))]);
    }

    private static Planned Refund(Payment payment, long? amount, long nowMicros)
    {
        if (payment.Status is not (PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded))
        {
            return new PaymentRefusal(PaymentRefusalKind.NotAllowed, PaymentErrors.NotRefundable, $"A payment that is {PaymentRules.Describe(payment, nowMicros)} cannot be refunded.");
        }

        var refundable = payment.AmountCaptured - payment.AmountRefunded;
        var total = amount ?? refundable;
        if (total > refundable)
        {
            return new PaymentRefusal(PaymentRefusalKind.AmountNotAllowed, PaymentErrors.AmountExceedsRefundable, $"At most {refundable} can still be refunded; {total} was asked.");
        }

        if (payment.Refunds.Count >= PaymentLimits.RefundsMax || payment.RefundSteps >= PaymentLimits.RefundsMax * PaymentLimits.AttemptsPerGrant)
        {
            return new PaymentRefusal(PaymentRefusalKind.LimitReached, PaymentErrors.RefundLimitReached, $"A payment takes at most {PaymentLimits.RefundsMax} refunds.");
        }

        return new Planned(null, total, [new PaymentStep(StepKind.Refund, payment.RefundSteps, total)]);
    }

    /// <summary>Captures and increments need a live authorisation.</summary>
    private static PaymentRefusal? NotAuthorized(Payment payment, long nowMicros, string code, string verb) =>
        payment switch
        {
            { Status: PaymentStatus.Canceled, CancellationReason: CancellationReason.Expired } => Expired(verb),
            { Status: PaymentStatus.RequiresCapture } when PaymentRules.IsClosing(payment, nowMicros) => Expired(verb),
            { Status: not PaymentStatus.RequiresCapture } =>
                new(PaymentRefusalKind.NotAllowed, code, $"A payment that is {PaymentRules.Describe(payment, 0)} cannot be {verb}."),
            _ => null,
        };

    private static PaymentRefusal Expired(string verb) =>
        new(PaymentRefusalKind.AuthorizationExpired, PaymentErrors.AuthorizationExpired, $"The authorisation window has passed or is about to; the payment cannot be {verb}.");

    /// <summary>A plan: refused (and nothing else), or the amount it moves and its steps.</summary>
    private readonly record struct Planned(PaymentRefusal? Refusal, long Total, IReadOnlyList<PaymentStep> Steps)
    {
        public static implicit operator Planned(PaymentRefusal refusal) => new(refusal, 0, []);
    }
}
