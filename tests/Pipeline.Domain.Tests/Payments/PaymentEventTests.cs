using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Payments;
using static Pipeline.Domain.Tests.Payments.PaymentExamples;

namespace Pipeline.Domain.Tests.Payments;

/// <summary>Which event each transition emits (docs/EVENTS.md), through the rules themselves.</summary>
public sealed class PaymentEventTests
{
    [Fact]
    public void A_new_payment_emits_its_decision_and_nothing_while_it_is_still_deciding()
    {
        Assert.Null(PaymentEvents.TypeOf(null, Opened(CaptureMethod.Automatic)));
        Assert.Null(PaymentEvents.TypeOf(null, Opened(CaptureMethod.Manual)));
        Assert.Equal(PaymentEvents.Succeeded, PaymentEvents.TypeOf(null, Succeeded()));
        var declined = PaymentCompletion.Complete(Opened(CaptureMethod.Automatic), [TransferResult.InsufficientFunds], Start);
        Assert.Equal(PaymentEvents.Declined, PaymentEvents.TypeOf(null, declined));
    }

    [Fact]
    public void A_manual_payment_emits_requires_capture_or_declined_when_its_hold_is_decided()
    {
        var opened = Opened(CaptureMethod.Manual);
        Assert.Equal(PaymentEvents.RequiresCapture, PaymentEvents.TypeOf(opened, Authorized()));
        var declined = PaymentCompletion.Complete(opened, [TransferResult.InsufficientFunds], Start);
        Assert.Equal(PaymentEvents.Declined, PaymentEvents.TypeOf(opened, declined));
    }

    [Fact]
    public void An_increment_emits_amount_updated_only_when_the_ledger_grants_it()
    {
        var authorized = Authorized();
        Assert.Equal(PaymentEvents.AmountUpdated, PaymentEvents.TypeOf(authorized, Run(authorized, PaymentOperationKind.Increment, 500, Later)));
        var refused = Run(authorized, PaymentOperationKind.Increment, 500, Later, TransferResult.InsufficientFunds);
        Assert.Equal(authorized.Amount, refused.Amount);
        Assert.Null(PaymentEvents.TypeOf(authorized, refused));
    }

    [Theory]
    [InlineData(PaymentOperationKind.Capture, PaymentEvents.Succeeded)]
    [InlineData(PaymentOperationKind.Cancel, PaymentEvents.Canceled)]
    public void Capturing_or_canceling_an_authorisation_emits_its_new_status(PaymentOperationKind kind, string type)
    {
        var authorized = Authorized();
        Assert.Equal(type, PaymentEvents.TypeOf(authorized, Run(authorized, kind, null, Later)));
    }

    [Fact]
    public void An_authorisation_that_expires_emits_canceled()
    {
        var authorized = Authorized();
        Assert.Equal(PaymentEvents.Canceled, PaymentEvents.TypeOf(authorized, Run(authorized, PaymentOperationKind.Expire, null, WindowEnd)));
    }

    [Fact]
    public void Every_refund_the_ledger_grants_emits_one_event_and_the_last_says_refunded()
    {
        var succeeded = Succeeded();
        var first = Run(succeeded, PaymentOperationKind.Refund, 300, Later);
        var second = Run(first, PaymentOperationKind.Refund, 300, Later);
        var last = Run(second, PaymentOperationKind.Refund, null, Later);

        Assert.Equal(PaymentEvents.PartiallyRefunded, PaymentEvents.TypeOf(succeeded, first));
        Assert.Equal(PaymentEvents.PartiallyRefunded, PaymentEvents.TypeOf(first, second));
        Assert.Equal(PaymentEvents.Refunded, PaymentEvents.TypeOf(second, last));
        Assert.Null(PaymentEvents.TypeOf(second, Run(second, PaymentOperationKind.Refund, 100, Later, TransferResult.ExceedsDebits)));
    }

    [Fact]
    public void An_operation_begun_or_the_same_state_again_emits_nothing()
    {
        var authorized = Authorized();
        Assert.Null(PaymentPlans.Plan(authorized, PaymentOperationKind.Capture, null, Later, out var capture));
        Assert.Null(PaymentEvents.TypeOf(authorized, PaymentRules.Begin(authorized, capture)));
        Assert.Null(PaymentEvents.TypeOf(authorized, authorized));
        Assert.Null(PaymentEvents.TypeOf(Succeeded(), Succeeded()));
    }

    [Fact]
    public void The_types_are_distinct_and_named_as_the_catalogue_names_them()
    {
        Assert.Equal(PaymentEvents.Types.Count, PaymentEvents.Types.Distinct().Count());
        Assert.All(PaymentEvents.Types, t => Assert.Matches("^payment\\.[a-z]+(_[a-z]+)*$", t));
    }
}
