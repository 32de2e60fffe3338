using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Payments;
using static Pipeline.Domain.Tests.Payments.PaymentExamples;

namespace Pipeline.Domain.Tests.Payments;

/// <summary>Every transition of docs/PAYMENTS.md, through the domain's rules alone.</summary>
public sealed class PaymentTransitionTests
{
    [Fact]
    public void An_automatic_payment_opens_processing_with_its_charge_pending_and_succeeds_when_the_ledger_takes_it()
    {
        var opened = Opened(CaptureMethod.Automatic);
        Assert.Equal(PaymentStatus.Processing, opened.Status);
        Assert.Equal(new PaymentStep(StepKind.Charge, 0, 1_000), Assert.Single(opened.Pending!.Steps));
        Assert.Equal(0, opened.ExpiresAtMicros);

        var done = PaymentCompletion.Complete(opened, [TransferResult.Ok], Later);
        Assert.Equal((PaymentStatus.Succeeded, 1_000L, (PaymentOperation?)null), (done.Status, done.AmountCaptured, done.Pending));
        var record = Assert.Single(done.History);
        Assert.Equal((PaymentOperationKind.Authorize, 1_000L, (string?)null, Later), (record.Kind, record.Amount, record.Failure, record.AtMicros));
    }

    [Theory]
    [InlineData(CaptureMethod.Automatic)]
    [InlineData(CaptureMethod.Manual)]
    public void A_payment_the_wallet_cannot_pay_is_declined_with_the_ledger_code(CaptureMethod method)
    {
        var declined = PaymentCompletion.Complete(Opened(method), [TransferResult.InsufficientFunds], Later);
        Assert.Equal(PaymentStatus.Declined, declined.Status);
        Assert.Equal(TransferResult.InsufficientFunds.Code(), declined.DeclineCode);
        Assert.Equal(TransferResult.InsufficientFunds.Code(), declined.History[0].Failure);
        Assert.Empty(declined.Holds);
    }

    [Fact]
    public void A_manual_payment_holds_for_its_window_and_then_requires_capture()
    {
        var opened = Opened(CaptureMethod.Manual);
        Assert.Equal(new PaymentStep(StepKind.Hold, 0, 1_000, 3600), Assert.Single(opened.Pending!.Steps));
        Assert.Equal((1, WindowEnd), (opened.HoldSteps, opened.ExpiresAtMicros));

        var authorized = Authorized();
        Assert.Equal(PaymentStatus.RequiresCapture, authorized.Status);
        Assert.Equal(new PaymentHold(0, 1_000, HoldState.Held, 0, null), Assert.Single(authorized.Holds));
        Assert.Equal(1_000, PaymentRules.Capturable(authorized, Later));
    }

    [Fact]
    public void A_partial_capture_takes_holds_in_order_and_releases_the_rest()
    {
        var twoHolds = Run(Authorized(600), PaymentOperationKind.Increment, 400, Later);
        Assert.Equal((1_000L, 2), (twoHolds.Amount, twoHolds.Holds.Count));

        Assert.Null(PaymentPlans.Plan(twoHolds, PaymentOperationKind.Capture, 700, Later, out var capture));
        Assert.Equal([new PaymentStep(StepKind.Capture, 0, 600), new PaymentStep(StepKind.Capture, 1, 100)], capture.Steps);

        Assert.Null(PaymentPlans.Plan(twoHolds, PaymentOperationKind.Capture, 500, Later, out var smaller));
        Assert.Equal([new PaymentStep(StepKind.Capture, 0, 500), new PaymentStep(StepKind.Release, 1, 400)], smaller.Steps);

        var captured = Run(twoHolds, PaymentOperationKind.Capture, 500, Later);
        Assert.Equal((PaymentStatus.Succeeded, 500L), (captured.Status, captured.AmountCaptured));
        Assert.Equal(
            [new PaymentHold(0, 600, HoldState.Captured, 500, StepKind.Capture), new PaymentHold(1, 400, HoldState.Released, 0, StepKind.Release)],
            captured.Holds);
        Assert.Equal(0, PaymentRules.Capturable(captured, Later));
    }

    [Fact]
    public void A_capture_whose_holds_expired_in_the_ledger_cancels_the_payment_as_expired()
    {
        var late = Run(Authorized(), PaymentOperationKind.Capture, null, Later, TransferResult.PendingTransferExpired);
        Assert.Equal((PaymentStatus.Canceled, CancellationReason.Expired), (late.Status, late.CancellationReason));
        Assert.Equal(PaymentErrors.AuthorizationExpired, late.History[^1].Failure);
        Assert.Equal(HoldState.Released, late.Holds[0].State);
        Assert.Null(late.Holds[0].ResolvedBy);
    }

    [Fact]
    public void A_refused_increment_changes_nothing_but_is_recorded_with_its_code()
    {
        var refused = Run(Authorized(), PaymentOperationKind.Increment, 5_000, Later, TransferResult.InsufficientFunds);
        Assert.Equal((PaymentStatus.RequiresCapture, 1_000L, 1), (refused.Status, refused.Amount, refused.Holds.Count));
        Assert.Equal(2, refused.HoldSteps);
        Assert.Equal(TransferResult.InsufficientFunds.Code(), refused.History[^1].Failure);
    }

    [Fact]
    public void A_cancel_releases_every_hold_even_one_the_ledger_already_expired()
    {
        var twoHolds = Run(Authorized(600), PaymentOperationKind.Increment, 400, Later);
        Assert.Null(PaymentPlans.Plan(twoHolds, PaymentOperationKind.Cancel, null, Later, out var cancel));
        var begun = PaymentRules.Begin(twoHolds, cancel);
        var canceled = PaymentCompletion.Complete(begun, [TransferResult.Ok, TransferResult.PendingTransferExpired], Later);

        Assert.Equal((PaymentStatus.Canceled, CancellationReason.Requested), (canceled.Status, canceled.CancellationReason));
        Assert.Equal([StepKind.Release, (StepKind?)null], canceled.Holds.Select(h => h.ResolvedBy));
        Assert.All(canceled.Holds, h => Assert.Equal(HoldState.Released, h.State));
    }

    [Fact]
    public void A_payment_past_its_window_shows_canceled_at_once_and_expires_when_the_sweep_runs()
    {
        var authorized = Authorized();
        Assert.False(PaymentRules.IsDue(authorized, WindowEnd - 1));
        Assert.True(PaymentRules.IsDue(authorized, WindowEnd));
        Assert.Equal((PaymentStatus.Canceled, CancellationReason.Expired), PaymentRules.Visible(authorized, WindowEnd));
        Assert.Equal((PaymentStatus.RequiresCapture, (CancellationReason?)null), PaymentRules.Visible(authorized, WindowEnd - 1));

        var expired = Run(authorized, PaymentOperationKind.Expire, null, WindowEnd);
        Assert.Equal((PaymentStatus.Canceled, CancellationReason.Expired), (expired.Status, expired.CancellationReason));
    }

    [Fact]
    public void A_payment_shows_canceled_while_the_sweeps_expiry_is_under_way_but_not_while_a_capture_is()
    {
        Assert.Null(PaymentPlans.Plan(Authorized(), PaymentOperationKind.Expire, null, WindowEnd, out var expire));
        var expiring = PaymentRules.Begin(Authorized(), expire);
        Assert.Equal(PaymentStatus.RequiresCapture, expiring.Status);
        Assert.Equal((PaymentStatus.Canceled, CancellationReason.Expired), PaymentRules.Visible(expiring, WindowEnd));

        Assert.Null(PaymentPlans.Plan(Authorized(), PaymentOperationKind.Capture, null, Later, out var capture));
        var capturing = PaymentRules.Begin(Authorized(), capture);
        Assert.Equal((PaymentStatus.RequiresCapture, (CancellationReason?)null), PaymentRules.Visible(capturing, WindowEnd));
    }

    [Fact]
    public void Refunds_make_a_payment_partially_refunded_then_refunded()
    {
        var partly = Run(Succeeded(), PaymentOperationKind.Refund, 300, Later);
        Assert.Equal((PaymentStatus.PartiallyRefunded, 300L), (partly.Status, partly.AmountRefunded));
        Assert.Equal(new PaymentRefund(0, 300, Later), Assert.Single(partly.Refunds));

        var all = Run(partly, PaymentOperationKind.Refund, null, Later);
        Assert.Equal((PaymentStatus.Refunded, 1_000L, 2), (all.Status, all.AmountRefunded, all.RefundSteps));
        Assert.Equal("all", all.History[^1].Request);
    }

    [Fact]
    public void A_refund_the_ledger_refuses_leaves_the_status_and_records_the_code()
    {
        var refused = Run(Succeeded(), PaymentOperationKind.Refund, 300, Later, TransferResult.ExceedsDebits);
        Assert.Equal((PaymentStatus.Succeeded, 0L, 1), (refused.Status, refused.AmountRefunded, refused.RefundSteps));
        Assert.Equal(TransferResult.ExceedsDebits.Code(), refused.History[^1].Failure);
    }

    [Fact]
    public void A_ledger_answer_no_step_can_have_is_a_defect_not_a_state()
    {
        Assert.Null(PaymentPlans.Plan(Authorized(), PaymentOperationKind.Capture, null, Later, out var capture));
        var begun = PaymentRules.Begin(Authorized(), capture);
        Assert.Throws<InvalidOperationException>(() => PaymentCompletion.Complete(begun, [TransferResult.InsufficientFunds], Later));
        Assert.Throws<ArgumentException>(() => PaymentCompletion.Complete(begun, [], Later));
        Assert.Throws<InvalidOperationException>(() => PaymentCompletion.Complete(Authorized(), [TransferResult.Ok], Later));
        Assert.Throws<InvalidOperationException>(() => PaymentRules.Begin(begun, capture));
    }

    [Fact]
    public void The_terms_that_opened_a_payment_are_the_one_test_of_the_same_payment()
    {
        var payment = Succeeded();
        Assert.True(PaymentRules.IsPaymentOf(payment, Terms(CaptureMethod.Automatic)));
        Assert.True(PaymentRules.IsPaymentOf(payment, Terms(CaptureMethod.Automatic) with { Metadata = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } }));
        Assert.True(PaymentRules.IsPaymentOf(payment, PaymentRules.TermsOf(payment)));
        Assert.True(PaymentRules.IsPaymentOf(Opened(CaptureMethod.Automatic), Terms(CaptureMethod.Automatic)));
        Assert.False(PaymentRules.IsPaymentOf(payment, Terms(CaptureMethod.Automatic, 999)));
        Assert.False(PaymentRules.IsPaymentOf(payment, Terms(CaptureMethod.Manual)));
        Assert.False(PaymentRules.IsPaymentOf(payment, Terms(CaptureMethod.Automatic) with { Reference = null }));
        Assert.False(PaymentRules.IsPaymentOf(payment, Terms(CaptureMethod.Automatic) with { Metadata = null }));
    }

    [Fact]
    public void Transfer_ids_are_the_same_for_every_run_and_a_charge_takes_a_reserved_one()
    {
        var payment = Opened(CaptureMethod.Automatic);
        Assert.Equal(payment.TransferIdOf(StepKind.Hold, 1), (payment with { Status = PaymentStatus.Succeeded }).TransferIdOf(StepKind.Hold, 1));
        Assert.NotEqual(payment.TransferIdOf(StepKind.Hold, 1), payment.TransferIdOf(StepKind.Hold, 2));
        Assert.True(payment.TransferIdOf(StepKind.Charge, 0).IsReserved);
        Assert.False(payment.TransferIdOf(StepKind.Refund, 0).IsReserved);
    }
}
