using Pipeline.Application.Collection;
using Pipeline.Domain.Collection;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Collection;

/// <summary>Resolutions of reconciliation exceptions: each moves the money once, with who and why, and the ledger balances.</summary>
[Collection(CosmosCollection.Name)]
public sealed class ExceptionResolutionTests(CosmosFixture cosmos)
{
    [Fact]
    public async Task Money_on_a_payers_balance_is_matched_to_a_collection_by_the_merchant_once()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var early = await world.CollectionAsync(1_000, "cust-1");
        await world.ReceiveAsync(CollectionWorld.Credit(early.VirtualAccount, 1_000));
        await world.ReceiveAsync(CollectionWorld.Credit(early.VirtualAccount, 4_000)); // no open collection: to the balance
        var exception = (await world.Exceptions.ListAsync(world.MerchantId, ExceptionStatus.Open, 10, null, default)).Data.Single();
        Assert.Equal((ExceptionKind.NoOpenCollection, 4_000L), (exception.Kind, exception.Amount));

        var next = await world.CollectionAsync(4_000, "cust-1");
        var request = new ResolveExceptionRequest(ResolutionAction.Match, "Paid in advance for PO-2", next.Id);
        var (resolved, refusal) = await world.Resolutions.ResolveAsync(world.MerchantId, exception.Id, request, "merchant:m", default);
        Assert.Null(refusal);
        Assert.Equal((ExceptionStatus.Resolved, "merchant:m", "Paid in advance for PO-2"), (resolved!.Status, resolved.Resolution!.By, resolved.Resolution.Reason));
        Assert.Equal(CollectionStatus.Paid, (await world.GetAsync(next.Id)).Status);
        Assert.Equal((0L, 5_000L), (await world.PayerBalanceAsync("cust-1"), await world.CollectionWalletAsync()));

        Assert.Null((await world.Resolutions.ResolveAsync(world.MerchantId, exception.Id, request, "merchant:m", default)).Refusal); // the same again: done
        var other = new ResolveExceptionRequest(ResolutionAction.WriteOff, "changed my mind");
        Assert.Equal(ResolutionRefusal.AlreadyResolved, (await world.Resolutions.ResolveAsync(world.MerchantId, exception.Id, other, "merchant:m", default)).Refusal);
        Assert.Equal(5_000, await world.CollectionWalletAsync());
        await world.AssertBalancedAsync(5_000);
    }

    [Fact]
    public async Task An_overpayments_excess_is_an_exception_the_merchant_applies_to_the_payers_next_collection_or_refunds()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var first = await world.CollectionAsync(1_000, "cust-1");
        await world.ReceiveAsync(CollectionWorld.Credit(first.VirtualAccount, 1_600, first.CreditorReference));
        var excess = (await world.Exceptions.ListAsync(world.MerchantId, ExceptionStatus.Open, 10, null, default)).Data.Single();
        Assert.Equal((ExceptionKind.Overpaid, 600L, CollectionLedger.PayerBalanceIdOf(world.MerchantId, "cust-1", Currency.EUR)), (excess.Kind, excess.Amount, excess.HeldIn));

        var next = await world.CollectionAsync(1_000, "cust-1");
        Assert.Null((await world.Resolutions.ResolveAsync(world.MerchantId, excess.Id, new(ResolutionAction.Match, "Apply to the next invoice", next.Id), "merchant:m", default)).Refusal);
        var partly = await world.GetAsync(next.Id);
        Assert.Equal((CollectionStatus.PartiallyPaid, 400L), (partly.Status, partly.AmountRemaining));
        Assert.Equal((0L, 1_600L), (await world.PayerBalanceAsync("cust-1"), await world.CollectionWalletAsync()));

        // Another overpayment, refunded to the payer this time.
        await world.ReceiveAsync(CollectionWorld.Credit(next.VirtualAccount, 700, next.CreditorReference));
        var second = (await world.Exceptions.ListAsync(world.MerchantId, ExceptionStatus.Open, 10, null, default)).Data.Single();
        Assert.Equal(300, second.Amount);
        var refund = new ResolveExceptionRequest(ResolutionAction.Refund, "Paid twice", RefundAccount: new RefundAccount("ACME Bau GmbH", "DE02 1203 0000 0000 2020 51"));
        Assert.Null((await world.Resolutions.ResolveAsync(world.MerchantId, second.Id, refund, "merchant:m", default)).Refusal);
        Assert.Equal((0L, 300L), (await world.PayerBalanceAsync("cust-1"), await world.BalanceAsync(CollectionLedger.RefundsOf(Currency.EUR))));
        await world.AssertBalancedAsync(2_300);
    }

    [Fact]
    public async Task Suspense_is_refunded_or_written_off_by_the_admin_and_a_merchant_cannot_see_it()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var nobodys = CollectionWorld.Options.Value.Scheme().IbanOf(999_999);
        await world.ReceiveAsync(CollectionWorld.Credit(nobodys, 2_500, remittance: "?"));
        await world.ReceiveAsync(CollectionWorld.Credit(nobodys, 700, remittance: "??"));
        var platform = (await world.Exceptions.ListAsync(ReconciliationExceptions.PlatformOwner, ExceptionStatus.Open, 10, null, default)).Data;
        var big = platform.Single(e => e.Amount == 2_500);
        var small = platform.Single(e => e.Amount == 700);
        Assert.Null(await world.Exceptions.GetAsync(world.MerchantId, big.Id, default));

        var refund = new ResolveExceptionRequest(ResolutionAction.Refund, "Unknown sender, sent back", RefundAccount: new RefundAccount("ACME Bau GmbH", "DE02120300000000202051", null));
        Assert.Null((await world.Resolutions.ResolveAsync(null, big.Id, refund, "admin", default)).Refusal);
        Assert.Equal(ResolutionRefusal.WrongActionForException,
            (await world.Resolutions.ResolveAsync(null, small.Id, new ResolveExceptionRequest(ResolutionAction.Acknowledge, "x"), "admin", default)).Refusal);
        Assert.Null((await world.Resolutions.ResolveAsync(null, small.Id, new ResolveExceptionRequest(ResolutionAction.WriteOff, "Below the cost of a refund"), "admin", default)).Refusal);

        Assert.Equal(0, await world.BalanceAsync(CollectionLedger.SuspenseOf(Currency.EUR)));
        Assert.Equal(2_500, await world.BalanceAsync(CollectionLedger.RefundsOf(Currency.EUR)));
        Assert.Equal(700, await world.BalanceAsync(CollectionLedger.PlatformWriteOffsOf(Currency.EUR)));
        Assert.Empty((await world.Exceptions.ListAsync(ReconciliationExceptions.PlatformOwner, ExceptionStatus.Open, 10, null, default)).Data);
        await world.AssertBalancedAsync(3_200);
    }

    [Fact]
    public async Task A_payers_balance_spent_meanwhile_refuses_the_resolution_and_reopens_the_exception()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var collection = await world.CollectionAsync(1_000, "cust-1");
        await world.Store.CancelAsync(world.MerchantId, collection.Id, default);
        await world.ReceiveAsync(CollectionWorld.Credit(collection.VirtualAccount, 1_000, collection.CreditorReference));
        var exception = (await world.Exceptions.ListAsync(world.MerchantId, ExceptionStatus.Open, 10, null, default)).Data.Single();

        // The merchant moves the payer's balance elsewhere (it is its wallet).
        var balance = CollectionLedger.PayerBalanceIdOf(world.MerchantId, "cust-1", Currency.EUR);
        var elsewhere = Domain.Ledgers.LedgerId.FromName("elsewhere");
        await world.Ledger.CreateAccountAsync(new Domain.Ledgers.NewAccount(elsewhere, Currency.EUR));
        var spent = await world.Ledger.CreateTransferAsync(new Domain.Ledgers.Transfer
        {
            Id = Domain.Ledgers.LedgerId.FromName("spent"), DebitAccountId = Wallets.WalletStore.AccountOf(balance),
            CreditAccountId = elsewhere, Amount = 600, Currency = Currency.EUR,
        });
        Assert.True(Domain.Ledgers.ResultText.IsSuccess(spent), spent.ToString());

        var writeOff = new ResolveExceptionRequest(ResolutionAction.WriteOff, "Keep it");
        var (reopened, refusal) = await world.Resolutions.ResolveAsync(world.MerchantId, exception.Id, writeOff, "merchant:m", default);
        Assert.Equal(ResolutionRefusal.MoneyGone, refusal);
        Assert.Equal(ExceptionStatus.Open, reopened!.Status);
        Assert.Equal(400, await world.PayerBalanceAsync("cust-1"));
        await world.AssertBalancedAsync(1_000);
    }

    [Fact]
    public async Task A_match_to_a_closed_or_foreign_collection_is_refused_and_changes_nothing()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var nobodys = CollectionWorld.Options.Value.Scheme().IbanOf(999_999);
        await world.ReceiveAsync(CollectionWorld.Credit(nobodys, 2_500, remittance: "?"));
        var exception = (await world.Exceptions.ListAsync(ReconciliationExceptions.PlatformOwner, null, 10, null, default)).Data.Single();
        var dollars = await world.CollectionAsync(2_500, "cust-1", currency: "USD");
        var canceled = await world.CollectionAsync(2_500, "cust-1");
        await world.Store.CancelAsync(world.MerchantId, canceled.Id, default);

        Assert.Equal(ResolutionRefusal.CurrencyMismatch, (await world.Resolutions.ResolveAsync(null, exception.Id, new(ResolutionAction.Match, "r", dollars.Id), "admin", default)).Refusal);
        Assert.Equal(ResolutionRefusal.CollectionNotOpen, (await world.Resolutions.ResolveAsync(null, exception.Id, new(ResolutionAction.Match, "r", canceled.Id), "admin", default)).Refusal);
        Assert.Equal(ResolutionRefusal.CollectionNotFound,
            (await world.Resolutions.ResolveAsync(null, exception.Id, new(ResolutionAction.Match, "r", "col_000000000000000000000000"), "admin", default)).Refusal);
        Assert.Equal(ExceptionStatus.Open, (await world.Exceptions.GetAsync(null, exception.Id, default))!.Status);

        var open = await world.CollectionAsync(2_500, "cust-2");
        Assert.Null((await world.Resolutions.ResolveAsync(null, exception.Id, new(ResolutionAction.Match, "Payer phoned: it was PO-7", open.Id), "admin", default)).Refusal);
        Assert.Equal(CollectionStatus.Paid, (await world.GetAsync(open.Id)).Status);
        Assert.Equal(0, await world.BalanceAsync(CollectionLedger.SuspenseOf(Currency.EUR)));
        await world.AssertBalancedAsync(2_500);
    }
}
