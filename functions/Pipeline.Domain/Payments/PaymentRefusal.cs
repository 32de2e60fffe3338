namespace Pipeline.Domain.Payments;

/// <summary>Why a payment operation changed nothing. The edge chooses the HTTP status from this, and only there.</summary>
public enum PaymentRefusalKind
{
    /// <summary>No payment (or wallet) of the caller has the id.</summary>
    NotFound,

    /// <summary>The payment's state does not allow the operation (e.g. capturing a canceled payment).</summary>
    NotAllowed,

    /// <summary>The authorisation window has passed, or is about to.</summary>
    AuthorizationExpired,

    /// <summary>The amount asked for is more than the payment allows (capturable, refundable, the largest amount).</summary>
    AmountNotAllowed,

    /// <summary>The payment has taken all the increments or refunds it may.</summary>
    LimitReached,

    /// <summary>The wallet's currency is not the payment's.</summary>
    CurrencyMismatch,

    /// <summary>The wallet cannot pay (an authorisation or increment the ledger refused).</summary>
    Declined,

    /// <summary>The ledger refused a step for another reason; the code is the ledger's.</summary>
    LedgerRefused,

    /// <summary>The Idempotency-Key was used for a different request.</summary>
    IdempotencyKeyReused,

    /// <summary>Other requests kept changing the payment; nothing was started.</summary>
    Busy,
}

/// <summary>A refused operation: its kind, its stable code, and a sentence for people.</summary>
public sealed record PaymentRefusal(PaymentRefusalKind Kind, string Code, string Detail);

/// <summary>The stable codes of refused payment operations (ledger refusals keep the ledger's own codes).</summary>
public static class PaymentErrors
{
    public const string NotCapturable = "payment_not_capturable";
    public const string NotIncrementable = "payment_not_incrementable";
    public const string NotCancelable = "payment_not_cancelable";
    public const string NotRefundable = "payment_not_refundable";
    public const string AmountExceedsCapturable = "amount_exceeds_capturable";
    public const string AmountExceedsRefundable = "amount_exceeds_refundable";
    /// <summary>The same code the edge gives any invalid field: an increment past the largest amount is one.</summary>
    public const string AmountTooLarge = "validation_failed";
    public const string AuthorizationExpired = "authorization_expired";
    public const string IncrementLimitReached = "increment_limit_reached";
    public const string RefundLimitReached = "refund_limit_reached";
    public const string CurrencyMismatch = "currency_mismatch";
    public const string Busy = "payment_busy";
}
