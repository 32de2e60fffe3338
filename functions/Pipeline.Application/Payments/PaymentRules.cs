using Pipeline.Application.Http;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Payments;

/// <summary>A request the payment's state does not allow: the status and stable code to answer with; nothing changed.</summary>
public sealed record PaymentRefusal(int Status, string Code, string Detail);

/// <summary>The stable codes of refused payment operations (ledger refusals keep the ledger's own codes).</summary>
public static class PaymentErrors
{
    public const string NotCapturable = "payment_not_capturable";
    public const string NotIncrementable = "payment_not_incrementable";
    public const string NotCancelable = "payment_not_cancelable";
    public const string NotRefundable = "payment_not_refundable";
    public const string AmountExceedsCapturable = "amount_exceeds_capturable";
    public const string AmountExceedsRefundable = "amount_exceeds_refundable";
    public const string AuthorizationExpired = "authorization_expired";
    public const string IncrementLimitReached = "increment_limit_reached";
    public const string RefundLimitReached = "refund_limit_reached";
    public const string CurrencyMismatch = "currency_mismatch";
    public const string Busy = "payment_busy";
}

/// <summary>
/// The payment state machine, free of I/O: which operation a payment in a given state allows and which ledger
/// steps it takes (<see cref="Plan"/>), and what the ledger's answers make of the payment (<see cref="Complete"/>).
/// docs/PAYMENTS.md draws it.
/// </summary>
internal static class PaymentRules
{
    public static PaymentDocument Open(string id, string merchantId, CreatePaymentRequest request, TimeSpan window, long nowMicros)
    {
        var manual = request.CaptureMethod == CaptureMethod.Manual;
        var step = manual
            ? new PaymentStep(StepKind.Hold, 0, request.Amount, (uint)Math.Ceiling(window.TotalSeconds))
            : new PaymentStep(StepKind.Charge, 0, request.Amount);
        return new PaymentDocument
        {
            Id = id,
            MerchantId = merchantId,
            WalletId = request.Source.WalletId,
            Currency = request.Currency,
            CaptureMethod = request.CaptureMethod,
            Status = PaymentStatus.Processing,
            Amount = request.Amount,
            Reference = request.Reference,
            Metadata = request.Metadata,
            HoldSteps = manual ? 1 : 0,
            ExpiresAtMicros = manual ? nowMicros + ((long)window.TotalMilliseconds * 1000) : 0,
            CreatedMicros = nowMicros,
            UpdatedMicros = nowMicros,
            Pending = new PaymentOperation(NewOperationId(), PaymentOperationKind.Authorize, request.Amount, [step], nowMicros),
        };
    }

    public static string NewOperationId() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// Whether <paramref name="payment"/> is what <paramref name="request"/> asks for. The one test of "the same
    /// payment" — for a retry under its Idempotency-Key, and for recovery deciding whether a charge's memo is the
    /// stored payment (else the charge belongs to nobody and is given back) — so the two can never disagree.
    /// </summary>
    public static bool IsPaymentOf(PaymentDocument payment, CreatePaymentRequest request) =>
        payment.WalletId == request.Source.WalletId && payment.Currency == request.Currency && payment.CaptureMethod == request.CaptureMethod
        && AuthorizedAmount(payment) == request.Amount && payment.Reference == request.Reference
        && (payment.Metadata ?? new Dictionary<string, string>()).OrderBy(m => m.Key, StringComparer.Ordinal)
            .SequenceEqual((request.Metadata ?? new Dictionary<string, string>()).OrderBy(m => m.Key, StringComparer.Ordinal));

    /// <summary>The request that opened <paramref name="payment"/>.</summary>
    public static CreatePaymentRequest RequestOf(PaymentDocument payment) =>
        new(AuthorizedAmount(payment), payment.Currency, new PaymentSource(payment.WalletId), payment.CaptureMethod, payment.Reference, payment.Metadata);

    /// <summary>What the payment's opening asked to authorise: its first operation, finished or still pending.</summary>
    private static long AuthorizedAmount(PaymentDocument payment) =>
        payment.History.Count > 0 ? payment.History[0].Amount
        : payment.Pending?.Kind == PaymentOperationKind.Authorize ? payment.Pending.Amount
        : throw new InvalidOperationException($"Payment {payment.Id} has neither history nor a pending authorisation.");

    /// <summary>An operation's amount as the caller asked it: a number, or "all".</summary>
    public static string RequestOf(long? amount) => amount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all";

    /// <summary>A manual payment whose authorisation window has passed while it still holds money.</summary>
    public static bool IsDue(PaymentDocument payment, long nowMicros) =>
        payment.Status == PaymentStatus.RequiresCapture && payment.ExpiresAtMicros <= nowMicros;

    /// <summary>
    /// Captures and increments close a little before the window ends (5 s, or a quarter of a shorter window), so
    /// that none planned in time is still being recorded when readers start to show the payment expired.
    /// </summary>
    public static bool IsClosing(PaymentDocument payment, long nowMicros) =>
        payment.Status == PaymentStatus.RequiresCapture
        && payment.ExpiresAtMicros - Math.Min(ClosingMicros, (payment.ExpiresAtMicros - payment.CreatedMicros) / 4) <= nowMicros;

    private const long ClosingMicros = 5_000_000;

    public static long Capturable(PaymentDocument payment, long nowMicros) =>
        payment.Status == PaymentStatus.RequiresCapture && !IsClosing(payment, nowMicros)
            ? payment.Holds.Where(h => h.State == HoldState.Held).Sum(h => h.Amount)
            : 0;

    /// <summary>The operation <paramref name="kind"/> on the payment as it is, or why it is refused.</summary>
    /// <param name="operationId">The new operation's id; a fresh one when null.</param>
    public static PaymentRefusal? Plan(
        PaymentDocument payment, PaymentOperationKind kind, long? amount, long nowMicros, out PaymentOperation operation, string? operationId = null)
    {
        operation = null!;
        var held = payment.Holds.Where(h => h.State == HoldState.Held).ToList();
        List<PaymentStep> steps;
        long total;
        switch (kind)
        {
            case PaymentOperationKind.Capture:
                if (NotAuthorized(payment, nowMicros, PaymentErrors.NotCapturable, "captured") is { } notCapturable)
                {
                    return notCapturable;
                }

                var capturable = held.Sum(h => h.Amount);
                total = amount ?? capturable;
                if (total > capturable)
                {
                    return new(StatusCodes.Status422UnprocessableEntity, PaymentErrors.AmountExceedsCapturable,
                        $"At most {capturable} can be captured; {total} was asked.");
                }

                // Holds in the order they were granted: each captures what is left to capture, the rest is released.
                steps = [];
                var left = total;
                foreach (var hold in held)
                {
                    var take = Math.Min(left, hold.Amount);
                    steps.Add(take > 0 ? new PaymentStep(StepKind.Capture, hold.Index, take) : new PaymentStep(StepKind.Release, hold.Index, hold.Amount));
                    left -= take;
                }

                break;

            case PaymentOperationKind.Increment:
                if (NotAuthorized(payment, nowMicros, PaymentErrors.NotIncrementable, "incremented") is { } notIncrementable)
                {
                    return notIncrementable;
                }

                total = amount ?? throw new ArgumentNullException(nameof(amount), "An increment has an amount.");
                if (payment.Holds.Count > PaymentLimits.IncrementsMax || payment.HoldSteps > PaymentLimits.IncrementsMax * PaymentLimits.AttemptsPerGrant)
                {
                    return new(StatusCodes.Status409Conflict, PaymentErrors.IncrementLimitReached,
                        $"A payment takes at most {PaymentLimits.IncrementsMax} increments.");
                }

                if (payment.Amount + total > WalletLimits.AmountMinorMax)
                {
                    return new(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed,
                        $"A payment authorises at most {WalletLimits.AmountMinorMax} minor units in all.");
                }

                // The new hold ends no earlier than the window: a second past it, so the payment expires first.
                var timeout = (uint)Math.Max(1, ((payment.ExpiresAtMicros - nowMicros + 999_999) / 1_000_000) + 1);
                steps = [new PaymentStep(StepKind.Hold, payment.HoldSteps, total, timeout)];
                break;

            case PaymentOperationKind.Cancel or PaymentOperationKind.Expire:
                if (payment.Status != PaymentStatus.RequiresCapture || (kind == PaymentOperationKind.Cancel && IsDue(payment, nowMicros)))
                {
                    return new(StatusCodes.Status409Conflict, PaymentErrors.NotCancelable, $"A payment that is {Describe(payment, nowMicros)} cannot be canceled.");
                }

                total = held.Sum(h => h.Amount);
                steps = [.. held.Select(h => new PaymentStep(StepKind.Release, h.Index, h.Amount))];
                break;

            case PaymentOperationKind.Refund:
                if (payment.Status is not (PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded))
                {
                    return new(StatusCodes.Status409Conflict, PaymentErrors.NotRefundable, $"A payment that is {Describe(payment, nowMicros)} cannot be refunded.");
                }

                var refundable = payment.AmountCaptured - payment.AmountRefunded;
                total = amount ?? refundable;
                if (total > refundable)
                {
                    return new(StatusCodes.Status422UnprocessableEntity, PaymentErrors.AmountExceedsRefundable,
                        $"At most {refundable} can still be refunded; {total} was asked.");
                }

                if (payment.Refunds.Count >= PaymentLimits.RefundsMax || payment.RefundSteps >= PaymentLimits.RefundsMax * PaymentLimits.AttemptsPerGrant)
                {
                    return new(StatusCodes.Status409Conflict, PaymentErrors.RefundLimitReached, $"A payment takes at most {PaymentLimits.RefundsMax} refunds.");
                }

                steps = [new PaymentStep(StepKind.Refund, payment.RefundSteps, total)];
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Payments are authorised when they are opened.");
        }

        operation = new PaymentOperation(operationId ?? NewOperationId(), kind, total, steps, nowMicros, RequestOf(amount));
        return null;
    }

    /// <summary>The operation as planned, recorded on the payment; the next write must be its completion.</summary>
    public static PaymentDocument Begin(PaymentDocument payment, PaymentOperation operation) => payment with
    {
        Pending = operation,
        HoldSteps = payment.HoldSteps + operation.Steps.Count(s => s.Kind == StepKind.Hold),
        RefundSteps = payment.RefundSteps + operation.Steps.Count(s => s.Kind == StepKind.Refund),
        UpdatedMicros = operation.StartedMicros,
    };

    /// <summary>Folds the ledger's answer to each step of the pending operation into the payment.</summary>
    public static PaymentDocument Complete(PaymentDocument payment, IReadOnlyList<TransferResult> results, long nowMicros)
    {
        var operation = payment.Pending ?? throw new InvalidOperationException("No operation is pending.");
        string? failure = null;
        var p = payment;
        for (var i = 0; i < operation.Steps.Count; i++)
        {
            var step = operation.Steps[i];
            var result = results[i];
            var done = result.IsSuccess();
            switch (step.Kind)
            {
                case StepKind.Charge:
                    p = done
                        ? p with { Status = PaymentStatus.Succeeded, AmountCaptured = step.Amount }
                        : p with { Status = PaymentStatus.Declined, DeclineCode = result.Code() };
                    failure = done ? null : result.Code();
                    break;

                case StepKind.Hold when operation.Kind == PaymentOperationKind.Authorize:
                    p = done
                        ? p with { Status = PaymentStatus.RequiresCapture, Holds = [new PaymentHold(step.Index, step.Amount, HoldState.Held, 0, null)] }
                        : p with { Status = PaymentStatus.Declined, DeclineCode = result.Code() };
                    failure = done ? null : result.Code();
                    break;

                case StepKind.Hold:
                    p = done ? p with { Amount = p.Amount + step.Amount, Holds = [.. p.Holds, new PaymentHold(step.Index, step.Amount, HoldState.Held, 0, null)] } : p;
                    failure = done ? null : result.Code();
                    break;

                case StepKind.Capture when done:
                    p = WithHold(p, step.Index, h => h with { State = HoldState.Captured, AmountCaptured = step.Amount, ResolvedBy = StepKind.Capture }) with
                    {
                        AmountCaptured = p.AmountCaptured + step.Amount,
                    };
                    break;

                // The ledger released the hold because its window passed between our check and the capture.
                case StepKind.Capture when result == TransferResult.PendingTransferExpired:
                    p = WithHold(p, step.Index, h => h with { State = HoldState.Released });
                    break;

                case StepKind.Release when done || result is TransferResult.PendingTransferExpired or TransferResult.PendingTransferAlreadyVoided:
                    p = WithHold(p, step.Index, h => h with { State = HoldState.Released, ResolvedBy = done ? StepKind.Release : null });
                    break;

                case StepKind.Refund:
                    p = done
                        ? p with { AmountRefunded = p.AmountRefunded + step.Amount, Refunds = [.. p.Refunds, new PaymentRefund(step.Index, step.Amount, nowMicros)] }
                        : p;
                    failure = done ? null : result.Code();
                    break;

                default:
                    // Holds are only captured or released through these steps, each once; anything else is a defect.
                    throw new InvalidOperationException($"Payment {p.Id}: the ledger answered {result.Code()} to {step.Kind} of hold {step.Index}.");
            }
        }

        switch (operation.Kind)
        {
            case PaymentOperationKind.Capture:
                p = p.AmountCaptured > 0
                    ? p with { Status = PaymentStatus.Succeeded }
                    : p with { Status = PaymentStatus.Canceled, CancellationReason = CancellationReason.Expired };
                failure = p.AmountCaptured > 0 ? null : PaymentErrors.AuthorizationExpired;
                break;
            case PaymentOperationKind.Cancel:
                p = p with { Status = PaymentStatus.Canceled, CancellationReason = CancellationReason.Requested };
                break;
            case PaymentOperationKind.Expire:
                p = p with { Status = PaymentStatus.Canceled, CancellationReason = CancellationReason.Expired };
                break;
            case PaymentOperationKind.Refund when failure is null:
                p = p with { Status = p.AmountRefunded == p.AmountCaptured ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded };
                break;
        }

        return p with
        {
            Pending = null,
            UpdatedMicros = nowMicros,
            History = [.. p.History, new OperationRecord(operation.Id, operation.Kind, operation.Amount, failure, nowMicros, operation.Request)],
        };
    }

    /// <summary>The status a reader sees: a payment past its window shows canceled even before the sweep records it.</summary>
    public static (PaymentStatus Status, CancellationReason? Reason) Visible(PaymentDocument payment, long nowMicros) =>
        payment.Pending is null && IsDue(payment, nowMicros)
            ? (PaymentStatus.Canceled, CancellationReason.Expired)
            : (payment.Status, payment.CancellationReason);

    private static PaymentRefusal? NotAuthorized(PaymentDocument payment, long nowMicros, string code, string verb) =>
        payment switch
        {
            { Status: PaymentStatus.Canceled, CancellationReason: CancellationReason.Expired } => Expired(verb),
            { Status: PaymentStatus.RequiresCapture } when IsClosing(payment, nowMicros) => Expired(verb),
            { Status: not PaymentStatus.RequiresCapture } =>
                new(StatusCodes.Status409Conflict, code, $"A payment that is {Describe(payment, 0)} cannot be {verb}."),
            _ => null,
        };

    private static PaymentRefusal Expired(string verb) =>
        new(StatusCodes.Status409Conflict, PaymentErrors.AuthorizationExpired, $"The authorisation window has passed or is about to; the payment cannot be {verb}.");

    private static string Describe(PaymentDocument payment, long nowMicros) =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(Visible(payment, nowMicros).Status.ToString());

    private static PaymentDocument WithHold(PaymentDocument payment, int index, Func<PaymentHold, PaymentHold> change) =>
        payment with { Holds = [.. payment.Holds.Select(h => h.Index == index ? change(h) : h)] };
}
