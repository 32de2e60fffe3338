using Pipeline.Domain.Ledgers;

namespace Pipeline.Domain.Payments;

/// <summary>
/// What the ledger's answers make of a payment: each step's answer folded in (one function per step kind), then the
/// operation's conclusion, then the operation moved from pending to history.
/// </summary>
public static class PaymentCompletion
{
    /// <summary>Folds the ledger's answer to each step of the pending operation into the payment.</summary>
    /// <param name="results">The ledger's answer to each step, in the order of the steps.</param>
    public static Payment Complete(Payment payment, IReadOnlyList<TransferResult> results, long nowMicros)
    {
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(results);
        var operation = payment.Pending ?? throw new InvalidOperationException($"Payment {payment.Id}: no operation is pending.");
        if (results.Count != operation.Steps.Count)
        {
            throw new ArgumentException($"Operation {operation.Id} has {operation.Steps.Count} steps; {results.Count} answers were given.", nameof(results));
        }

        string? failure = null;
        var p = payment;
        for (var i = 0; i < operation.Steps.Count; i++)
        {
            (p, failure) = Apply(p, operation, operation.Steps[i], results[i], nowMicros, failure);
        }

        (p, failure) = Conclude(p, operation.Kind, failure);
        return p with
        {
            Pending = null,
            UpdatedMicros = nowMicros,
            History = [.. p.History, new OperationRecord(operation.Id, operation.Kind, operation.Amount, failure, nowMicros, operation.Request)],
        };
    }

    /// <summary>One step's answer. Charges, holds and refunds decide the failure; captures and releases cannot fail it.</summary>
    private static (Payment Payment, string? Failure) Apply(Payment p, PaymentOperation operation, PaymentStep step, TransferResult result, long nowMicros, string? failure)
    {
        var done = result.IsSuccess();
        return step.Kind switch
        {
            StepKind.Charge => (Charged(p, step, result), done ? null : result.Code()),
            StepKind.Hold when operation.Kind == PaymentOperationKind.Authorize => (Authorized(p, step, result), done ? null : result.Code()),
            StepKind.Hold => (done ? Incremented(p, step) : p, done ? null : result.Code()),
            StepKind.Refund => (done ? Refunded(p, step, nowMicros) : p, done ? null : result.Code()),
            StepKind.Capture when done => (Captured(p, step), failure),

            // The ledger released the hold because its window passed between our check and the capture.
            StepKind.Capture when result == TransferResult.PendingTransferExpired => (WithHold(p, step.Index, h => h with { State = HoldState.Released }), failure),
            StepKind.Release when done || result is TransferResult.PendingTransferExpired or TransferResult.PendingTransferAlreadyVoided =>
                (WithHold(p, step.Index, h => h with { State = HoldState.Released, ResolvedBy = done ? StepKind.Release : null }), failure),

            // Holds are only captured or released through these steps, each once; anything else is a defect.
            _ => throw new InvalidOperationException($"Payment {p.Id}: the ledger answered {result.Code()} to {step.Kind} of hold {step.Index}."),
        };
    }

    private static Payment Charged(Payment p, PaymentStep step, TransferResult result) =>
        result.IsSuccess()
            ? p with { Status = PaymentStatus.Succeeded, AmountCaptured = step.Amount }
            : p with { Status = PaymentStatus.Declined, DeclineCode = result.Code() };

    private static Payment Authorized(Payment p, PaymentStep step, TransferResult result) =>
        result.IsSuccess()
            ? p with { Status = PaymentStatus.RequiresCapture, Holds = [new PaymentHold(step.Index, step.Amount, HoldState.Held, 0, null)] }
            : p with { Status = PaymentStatus.Declined, DeclineCode = result.Code() };

    private static Payment Incremented(Payment p, PaymentStep step) =>
        p with { Amount = p.Amount + step.Amount, Holds = [.. p.Holds, new PaymentHold(step.Index, step.Amount, HoldState.Held, 0, null)] };

    private static Payment Refunded(Payment p, PaymentStep step, long nowMicros) =>
        p with { AmountRefunded = p.AmountRefunded + step.Amount, Refunds = [.. p.Refunds, new PaymentRefund(step.Index, step.Amount, nowMicros)] };

    private static Payment Captured(Payment p, PaymentStep step) =>
        WithHold(p, step.Index, h => h with { State = HoldState.Captured, AmountCaptured = step.Amount, ResolvedBy = StepKind.Capture }) with
        {
            AmountCaptured = p.AmountCaptured + step.Amount,
        };

    /// <summary>The operation's end state: a capture that captured nothing found its window gone.</summary>
    private static (Payment Payment, string? Failure) Conclude(Payment p, PaymentOperationKind kind, string? failure) => kind switch
    {
        PaymentOperationKind.Capture when p.AmountCaptured > 0 => (p with { Status = PaymentStatus.Succeeded }, null),
        PaymentOperationKind.Capture => (p with { Status = PaymentStatus.Canceled, CancellationReason = CancellationReason.Expired }, PaymentErrors.AuthorizationExpired),
        PaymentOperationKind.Cancel => (p with { Status = PaymentStatus.Canceled, CancellationReason = CancellationReason.Requested }, failure),
        PaymentOperationKind.Expire => (p with { Status = PaymentStatus.Canceled, CancellationReason = CancellationReason.Expired }, failure),
        PaymentOperationKind.Refund when failure is null =>
            (p with { Status = p.AmountRefunded == p.AmountCaptured ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded }, null),
        _ => (p, failure),
    };

    private static Payment WithHold(Payment payment, int index, Func<PaymentHold, PaymentHold> change) =>
        payment with { Holds = [.. payment.Holds.Select(h => h.Index == index ? change(h) : h)] };
}
