using System.Globalization;

namespace Pipeline.Domain.Payments;

/// <summary>
/// The payment's life outside its operations, free of I/O: how it opens, what a reader sees, when its window
/// closes, and how a planned operation is recorded. docs/PAYMENTS.md draws the state machine.
/// </summary>
public static class PaymentRules
{
    /// <summary>
    /// Captures and increments close a little before the window ends (5 s, or a quarter of a shorter window), so
    /// that none planned in time is still being recorded when readers start to show the payment expired.
    /// </summary>
    private const long ClosingMicros = 5_000_000;

    /// <summary>A new payment with its first operation pending: a charge (automatic) or a hold for the window (manual).</summary>
    public static Payment Open(string id, string merchantId, PaymentTerms terms, TimeSpan window, long nowMicros)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var manual = terms.CaptureMethod == CaptureMethod.Manual;
        var step = manual
            ? new PaymentStep(StepKind.Hold, 0, terms.Amount, (uint)Math.Ceiling(window.TotalSeconds))
            : new PaymentStep(StepKind.Charge, 0, terms.Amount);
        return new Payment
        {
            Id = id,
            MerchantId = merchantId,
            WalletId = terms.WalletId,
            Currency = terms.Currency,
            CaptureMethod = terms.CaptureMethod,
            Status = PaymentStatus.Processing,
            Amount = terms.Amount,
            Reference = terms.Reference,
            Metadata = terms.Metadata,
            HoldSteps = manual ? 1 : 0,
            ExpiresAtMicros = manual ? nowMicros + ((long)window.TotalMilliseconds * 1000) : 0,
            CreatedMicros = nowMicros,
            UpdatedMicros = nowMicros,
            Pending = new PaymentOperation(NewOperationId(), PaymentOperationKind.Authorize, terms.Amount, [step], nowMicros),
        };
    }

    /// <summary>
    /// When the payment's money was captured (Unix microseconds): the charge of an automatic payment or the capture of an
    /// authorisation — the time of its payment.succeeded event, which prices its fee. Null while nothing is captured.
    /// </summary>
    public static long? CapturedAtMicros(Payment payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        return payment.AmountCaptured == 0
            ? null
            : payment.History.FirstOrDefault(r => r.Failure is null
                && (r.Kind == PaymentOperationKind.Capture || (r.Kind == PaymentOperationKind.Authorize && payment.CaptureMethod == CaptureMethod.Automatic)))?.AtMicros;
    }

    public static string NewOperationId() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// Whether <paramref name="payment"/> is what <paramref name="terms"/> ask for. The one test of "the same
    /// payment" — for a retry under its Idempotency-Key, and for recovery deciding whether a charge's memo is the
    /// stored payment (else the charge belongs to nobody and is given back) — so the two can never disagree.
    /// </summary>
    public static bool IsPaymentOf(Payment payment, PaymentTerms terms)
    {
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(terms);
        return payment.WalletId == terms.WalletId && payment.Currency == terms.Currency && payment.CaptureMethod == terms.CaptureMethod
            && AuthorizedAmount(payment) == terms.Amount && payment.Reference == terms.Reference
            && SameMetadata(payment.Metadata, terms.Metadata);
    }

    /// <summary>The terms that opened <paramref name="payment"/>.</summary>
    public static PaymentTerms TermsOf(Payment payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        return new(AuthorizedAmount(payment), payment.Currency, payment.WalletId, payment.CaptureMethod, payment.Reference, payment.Metadata);
    }

    /// <summary>An operation's amount as the caller asked it: a number, or "all".</summary>
    public static string RequestOf(long? amount) => amount?.ToString(CultureInfo.InvariantCulture) ?? "all";

    /// <summary>A manual payment whose authorisation window has passed while it still holds money.</summary>
    public static bool IsDue(Payment payment, long nowMicros)
    {
        ArgumentNullException.ThrowIfNull(payment);
        return payment.Status == PaymentStatus.RequiresCapture && payment.ExpiresAtMicros <= nowMicros;
    }

    /// <summary>How long after a hold is granted captures and increments stay open: its window less the closing margin.</summary>
    public static TimeSpan CapturesOpenFor(TimeSpan window) => window - TimeSpan.FromTicks(Math.Min(ClosingMicros * 10, window.Ticks / 4));

    /// <summary>Whether captures and increments have closed (<see cref="ClosingMicros"/> before the window ends).</summary>
    public static bool IsClosing(Payment payment, long nowMicros)
    {
        ArgumentNullException.ThrowIfNull(payment);
        return payment.Status == PaymentStatus.RequiresCapture
            && payment.ExpiresAtMicros - Math.Min(ClosingMicros, (payment.ExpiresAtMicros - payment.CreatedMicros) / 4) <= nowMicros;
    }

    /// <summary>What a capture could take now: every held amount, while the window is open.</summary>
    public static long Capturable(Payment payment, long nowMicros) =>
        payment.Status == PaymentStatus.RequiresCapture && !IsClosing(payment, nowMicros) ? Held(payment).Sum(h => h.Amount) : 0;

    /// <summary>
    /// The status a reader sees: a payment past its window shows canceled even before the sweep records it, and while
    /// the sweep's expiry is under way (that operation always ends canceled, so the view never steps back to
    /// requires_capture in between). Any other pending operation (a capture racing the window) shows the stored status.
    /// </summary>
    public static (PaymentStatus Status, CancellationReason? Reason) Visible(Payment payment, long nowMicros) =>
        IsDue(payment, nowMicros) && payment.Pending?.Kind is null or PaymentOperationKind.Expire
            ? (PaymentStatus.Canceled, CancellationReason.Expired)
            : (payment.Status, payment.CancellationReason);

    /// <summary>The operation as planned, recorded on the payment; the next write must be its completion.</summary>
    public static Payment Begin(Payment payment, PaymentOperation operation)
    {
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(operation);
        if (payment.Pending is not null)
        {
            throw new InvalidOperationException($"Payment {payment.Id} already has operation {payment.Pending.Id} pending.");
        }

        return payment with
        {
            Pending = operation,
            HoldSteps = payment.HoldSteps + operation.Steps.Count(s => s.Kind == StepKind.Hold),
            RefundSteps = payment.RefundSteps + operation.Steps.Count(s => s.Kind == StepKind.Refund),
            UpdatedMicros = operation.StartedMicros,
        };
    }

    /// <summary>The holds still held, in the order they were granted.</summary>
    internal static IEnumerable<PaymentHold> Held(Payment payment) => payment.Holds.Where(h => h.State == HoldState.Held);

    /// <summary>The status as the API writes it ("requires_capture"), for refusal texts.</summary>
    internal static string Describe(Payment payment, long nowMicros) =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(Visible(payment, nowMicros).Status.ToString());

    /// <summary>What the payment's opening asked to authorise: its first operation, finished or still pending.</summary>
    private static long AuthorizedAmount(Payment payment) =>
        payment.History.Count > 0 ? payment.History[0].Amount
        : payment.Pending?.Kind == PaymentOperationKind.Authorize ? payment.Pending.Amount
        : throw new InvalidOperationException($"Payment {payment.Id} has neither history nor a pending authorisation.");

    private static bool SameMetadata(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a ?? new Dictionary<string, string>()).OrderBy(m => m.Key, StringComparer.Ordinal)
            .SequenceEqual((b ?? new Dictionary<string, string>()).OrderBy(m => m.Key, StringComparer.Ordinal));
}
