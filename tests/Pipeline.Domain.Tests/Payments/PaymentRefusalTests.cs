using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Payments;
using static Pipeline.Domain.Tests.Payments.PaymentExamples;

namespace Pipeline.Domain.Tests.Payments;

/// <summary>Every refusal of every operation: its kind and stable code. A refusal plans nothing.</summary>
public sealed class PaymentRefusalTests
{
    public static TheoryData<string, PaymentOperationKind, long?, PaymentRefusalKind, string> Refusals() => new()
    {
        { "automatic", PaymentOperationKind.Capture, null, PaymentRefusalKind.NotAllowed, PaymentErrors.NotCapturable },
        { "automatic", PaymentOperationKind.Increment, 1, PaymentRefusalKind.NotAllowed, PaymentErrors.NotIncrementable },
        { "automatic", PaymentOperationKind.Cancel, null, PaymentRefusalKind.NotAllowed, PaymentErrors.NotCancelable },
        { "authorized", PaymentOperationKind.Refund, null, PaymentRefusalKind.NotAllowed, PaymentErrors.NotRefundable },
        { "declined", PaymentOperationKind.Refund, null, PaymentRefusalKind.NotAllowed, PaymentErrors.NotRefundable },
        { "authorized", PaymentOperationKind.Capture, 1_001, PaymentRefusalKind.AmountNotAllowed, PaymentErrors.AmountExceedsCapturable },
        { "authorized", PaymentOperationKind.Increment, AmountLimitsMax, PaymentRefusalKind.AmountNotAllowed, PaymentErrors.AmountTooLarge },
        { "automatic", PaymentOperationKind.Refund, 1_001, PaymentRefusalKind.AmountNotAllowed, PaymentErrors.AmountExceedsRefundable },
        { "closing", PaymentOperationKind.Capture, null, PaymentRefusalKind.AuthorizationExpired, PaymentErrors.AuthorizationExpired },
        { "closing", PaymentOperationKind.Increment, 1, PaymentRefusalKind.AuthorizationExpired, PaymentErrors.AuthorizationExpired },
        { "expired", PaymentOperationKind.Capture, null, PaymentRefusalKind.AuthorizationExpired, PaymentErrors.AuthorizationExpired },
        { "due", PaymentOperationKind.Cancel, null, PaymentRefusalKind.NotAllowed, PaymentErrors.NotCancelable },
        { "canceled", PaymentOperationKind.Cancel, null, PaymentRefusalKind.NotAllowed, PaymentErrors.NotCancelable },
        { "canceled", PaymentOperationKind.Expire, null, PaymentRefusalKind.NotAllowed, PaymentErrors.NotCancelable },
    };

    private const long AmountLimitsMax = Domain.Monetary.AmountLimits.AmountMinorMax;

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Each_refusal_has_its_kind_and_code(string state, PaymentOperationKind kind, long? amount, PaymentRefusalKind expected, string code)
    {
        var (payment, now) = In(state);
        var refusal = PaymentPlans.Plan(payment, kind, amount, now, out var operation);
        Assert.Equal((expected, code), (refusal?.Kind, refusal?.Code));
        Assert.False(string.IsNullOrWhiteSpace(refusal!.Detail));
        Assert.Null(operation);
    }

    [Fact]
    public void Increments_stop_at_their_limit_counting_refused_attempts()
    {
        var payment = Authorized() with { HoldSteps = (PaymentLimits.IncrementsMax * PaymentLimits.AttemptsPerGrant) + 1 };
        Assert.Equal(PaymentErrors.IncrementLimitReached, Refusal(payment, PaymentOperationKind.Increment, 1, Later).Code);
        Assert.Equal(PaymentRefusalKind.LimitReached, Refusal(payment, PaymentOperationKind.Increment, 1, Later).Kind);
    }

    [Fact]
    public void Refunds_stop_at_their_limit_counting_refused_attempts()
    {
        var payment = Succeeded() with { RefundSteps = PaymentLimits.RefundsMax * PaymentLimits.AttemptsPerGrant };
        Assert.Equal((PaymentRefusalKind.LimitReached, PaymentErrors.RefundLimitReached), (Refusal(payment, PaymentOperationKind.Refund, 1, Later).Kind, Refusal(payment, PaymentOperationKind.Refund, 1, Later).Code));
    }

    [Fact]
    public void Authorise_is_no_operation_a_caller_can_plan() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PaymentPlans.Plan(Authorized(), PaymentOperationKind.Authorize, 1, Later, out _));

    [Fact]
    public void Captures_close_five_seconds_before_the_window_ends()
    {
        var authorized = Authorized();
        Assert.Null(PaymentPlans.Plan(authorized, PaymentOperationKind.Capture, null, WindowEnd - 5_000_001, out _));
        Assert.NotNull(PaymentPlans.Plan(authorized, PaymentOperationKind.Capture, null, WindowEnd - 5_000_000, out _));
    }

    private static (Payment Payment, long Now) In(string state) => state switch
    {
        "automatic" => (Succeeded(), Later),
        "authorized" => (Authorized(), Later),
        "declined" => (PaymentCompletion.Complete(Opened(CaptureMethod.Automatic), [TransferResult.InsufficientFunds], Start), Later),
        "closing" => (Authorized(), WindowEnd - 1_000_000),
        "due" => (Authorized(), WindowEnd),
        "expired" => (Run(Authorized(), PaymentOperationKind.Expire, null, WindowEnd), WindowEnd),
        "canceled" => (Run(Authorized(), PaymentOperationKind.Cancel, null, Later), Later),
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
