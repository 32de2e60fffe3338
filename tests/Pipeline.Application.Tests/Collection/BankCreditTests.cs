using Microsoft.Azure.Cosmos;
using Pipeline.Application.Collection;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Domain.Collection;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Collection;

/// <summary>Every rung of the matching ladder booked in the ledger from the bank clearing account; duplicates, races and crashes between writes.</summary>
[Collection(CosmosCollection.Name)]
public sealed class BankCreditTests(CosmosFixture cosmos)
{
    [Fact]
    public async Task The_exact_amount_pays_the_collection_into_its_wallet_with_a_paid_event()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var collection = await world.CollectionAsync(10_000, "cust-1");
        var credit = await world.ReceiveAsync(CollectionWorld.Credit(collection.VirtualAccount, 10_000, collection.CreditorReference));

        Assert.Equal((BankCreditState.Booked, collection.Id, (MatchException?)null), (credit.State, credit.Placement!.CollectionId, credit.Placement.Exception));
        var paid = await world.GetAsync(collection.Id);
        Assert.Equal((CollectionStatus.Paid, 10_000L, 0L), (paid.Status, paid.AmountPaid, paid.AmountRemaining));
        Assert.Equal(10_000, await world.CollectionWalletAsync());
        Assert.Equal([CollectionEvents.Created, CollectionEvents.Paid], await EventTypesAsync(world));
        await world.AssertBalancedAsync(10_000);
    }

    [Fact]
    public async Task Within_tolerance_a_shortfall_is_written_off_and_an_excess_goes_to_adjustment_both_paid()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var shortOne = await world.CollectionAsync(10_000, "cust-1", tolerance: 50);
        var overOne = await world.CollectionAsync(10_000, "cust-2", tolerance: 50);
        await world.ReceiveAsync(CollectionWorld.Credit(shortOne.VirtualAccount, 9_970));
        await world.ReceiveAsync(CollectionWorld.Credit(overOne.VirtualAccount, 10_040));

        Assert.Equal(CollectionStatus.Paid, (await world.GetAsync(shortOne.Id)).Status);
        Assert.Equal(CollectionStatus.Paid, (await world.GetAsync(overOne.Id)).Status);
        Assert.Equal(20_000, await world.CollectionWalletAsync()); // 9,970 + 30 written off + 10,000
        Assert.Equal(40 - 30, await world.BalanceAsync(CollectionLedger.AdjustmentOf(world.MerchantId, Currency.EUR)));
        await world.AssertBalancedAsync(9_970 + 10_040);
    }

    [Fact]
    public async Task Less_leaves_it_partially_paid_until_the_next_credit_adds_up_and_more_overpays_to_the_payers_balance()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var collection = await world.CollectionAsync(10_000, "cust-1");
        await world.ReceiveAsync(CollectionWorld.Credit(collection.VirtualAccount, 4_000));
        Assert.Equal((CollectionStatus.PartiallyPaid, 6_000L), ((await world.GetAsync(collection.Id)).Status, (await world.GetAsync(collection.Id)).AmountRemaining));

        var second = await world.ReceiveAsync(CollectionWorld.Credit(collection.VirtualAccount, 7_500));
        Assert.Equal(CollectionStatus.Overpaid, (await world.GetAsync(collection.Id)).Status);
        Assert.Equal([new Allocation(AllocationTarget.Collection, 6_000), new Allocation(AllocationTarget.PayerBalance, 1_500)], second.Placement!.Allocations);
        Assert.Equal(10_000, await world.CollectionWalletAsync());
        Assert.Equal(1_500, await world.PayerBalanceAsync("cust-1"));
        Assert.Equal([CollectionEvents.Created, CollectionEvents.PartiallyPaid, CollectionEvents.Overpaid], await EventTypesAsync(world));
        await world.AssertBalancedAsync(11_500);
    }

    [Fact]
    public async Task A_credit_for_a_canceled_or_expired_collection_goes_to_the_payers_balance_with_an_exception()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var canceled = await world.CollectionAsync(10_000, "cust-1");
        await world.Store.CancelAsync(world.MerchantId, canceled.Id, default);
        var expiring = await world.CollectionAsync(5_000, "cust-2", dueInDays: 1);
        world.Clock.Advance(TimeSpan.FromDays(2));
        await world.Store.CheckAsync(new CollectionWork(world.MerchantId, expiring.Id, 0), default);
        Assert.Equal(CollectionStatus.Expired, (await world.GetAsync(expiring.Id)).Status);

        var late = await world.ReceiveAsync(CollectionWorld.Credit(canceled.VirtualAccount, 10_000, canceled.CreditorReference));
        var bookedAfterExpiry = CollectionWorld.Credit(expiring.VirtualAccount, 5_000, expiring.CreditorReference);
        var afterExpiry = await world.ReceiveAsync(bookedAfterExpiry with { BookedOn = bookedAfterExpiry.BookedOn.AddDays(2) });

        Assert.Equal(MatchException.CollectionClosed, late.Placement!.Exception);
        Assert.Equal(MatchException.CollectionClosed, afterExpiry.Placement!.Exception);
        Assert.Equal((10_000L, 5_000L, 0L), (await world.PayerBalanceAsync("cust-1"), await world.PayerBalanceAsync("cust-2"), await world.CollectionWalletAsync()));
        var open = (await world.Exceptions.ListAsync(world.MerchantId, ExceptionStatus.Open, 10, null, default)).Data;
        Assert.Equal(2, open.Count);
        Assert.All(open, e => Assert.Equal(ExceptionKind.CollectionClosed, e.Kind));
        Assert.Contains(open, e => e.HeldIn == CollectionLedger.PayerBalanceIdOf(world.MerchantId, "cust-1", Currency.EUR) && e.Amount == 10_000);
        await world.AssertBalancedAsync(15_000);
    }

    [Fact]
    public async Task A_credit_the_bank_booked_by_the_due_date_pays_a_collection_that_expired_before_it_arrived()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var collection = await world.CollectionAsync(5_000, "cust-1", dueInDays: 1);
        world.Clock.Advance(TimeSpan.FromDays(2));
        await world.Store.CheckAsync(new CollectionWork(world.MerchantId, collection.Id, 0), default);
        Assert.Equal(CollectionStatus.Expired, (await world.GetAsync(collection.Id)).Status);

        var credit = await world.ReceiveAsync(CollectionWorld.Credit(collection.VirtualAccount, 5_000, collection.CreditorReference)); // booked the day it was created
        Assert.Equal((collection.Id, (MatchException?)null), (credit.Placement!.CollectionId, credit.Placement.Exception));
        Assert.Equal(CollectionStatus.Paid, (await world.GetAsync(collection.Id)).Status);
        Assert.Equal(5_000, await world.CollectionWalletAsync());
        await world.AssertBalancedAsync(5_000);
    }

    [Fact]
    public async Task A_credit_before_expiry_pays_and_the_collection_then_never_expires()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var collection = await world.CollectionAsync(5_000, "cust-1", dueInDays: 1);
        await world.ReceiveAsync(CollectionWorld.Credit(collection.VirtualAccount, 5_000));
        world.Clock.Advance(TimeSpan.FromDays(2));
        Assert.True((await world.Store.CheckAsync(new CollectionWork(world.MerchantId, collection.Id, 0), default)).Done);
        Assert.Equal(CollectionStatus.Paid, (await world.GetAsync(collection.Id)).Status);
        await world.AssertBalancedAsync(5_000);
    }

    [Fact]
    public async Task An_unknown_account_goes_to_suspense_unless_its_reference_names_a_collection()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var collection = await world.CollectionAsync(7_000, "cust-1");
        var nobodys = CollectionWorld.Options.Value.Scheme().IbanOf(999_999);
        var lost = await world.ReceiveAsync(CollectionWorld.Credit(nobodys, 1_234, remittance: "Rechnung 4711"));
        var byReference = await world.ReceiveAsync(CollectionWorld.Credit(nobodys, 7_000, remittance: $"Invoice PO-1 {collection.CreditorReference[..4]} {collection.CreditorReference[4..]}"));

        Assert.Equal((AllocationTarget.Suspense, MatchException.UnknownAccount), (lost.Placement!.Allocations.Single().Target, lost.Placement.Exception));
        Assert.Equal(collection.Id, byReference.Placement!.CollectionId);
        Assert.Equal(CollectionStatus.Paid, (await world.GetAsync(collection.Id)).Status);
        Assert.Equal(1_234, await world.BalanceAsync(CollectionLedger.SuspenseOf(Currency.EUR)));
        var platform = (await world.Exceptions.ListAsync(ReconciliationExceptions.PlatformOwner, null, 10, null, default)).Data;
        Assert.Equal((ExceptionKind.UnknownAccount, "suspense", 1_234L), (platform.Single().Kind, platform.Single().HeldIn, platform.Single().Amount));
        await world.AssertBalancedAsync(8_234);
    }

    [Fact]
    public async Task Several_open_collections_are_paid_oldest_due_first_unless_the_reference_names_one()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var later = await world.CollectionAsync(3_000, "cust-1", dueInDays: 30);
        var sooner = await world.CollectionAsync(3_000, "cust-1", dueInDays: 10);
        var named = await world.ReceiveAsync(CollectionWorld.Credit(later.VirtualAccount, 3_000, later.CreditorReference));
        var unnamed = await world.ReceiveAsync(CollectionWorld.Credit(later.VirtualAccount, 3_000));
        Assert.Equal((later.Id, sooner.Id), (named.Placement!.CollectionId, unnamed.Placement!.CollectionId));
        var other = await world.ReceiveAsync(CollectionWorld.Credit(later.VirtualAccount, 100, currency: "USD"));
        Assert.Equal(MatchException.NoOpenCollection, other.Placement!.Exception);
        await world.AssertBalancedAsync(6_000);
        await world.AssertBalancedAsync(100, "USD");
    }

    [Fact]
    public async Task With_an_account_per_collection_a_credit_without_reference_pays_the_collection_its_account_was_given_for()
    {
        var world = await CollectionWorld.CreateAsync(cosmos, new CollectionOptions { AccountPerCollection = true });
        var sooner = await world.CollectionAsync(3_000, "cust-1", dueInDays: 10);
        var later = await world.CollectionAsync(5_000, "cust-1", dueInDays: 30);
        Assert.NotEqual(sooner.VirtualAccount, later.VirtualAccount);

        var credit = await world.ReceiveAsync(CollectionWorld.Credit(later.VirtualAccount, 5_000)); // no reference: the account says which
        Assert.Equal(later.Id, credit.Placement!.CollectionId);
        Assert.Equal((CollectionStatus.Open, CollectionStatus.Paid), ((await world.GetAsync(sooner.Id)).Status, (await world.GetAsync(later.Id)).Status));

        // A reference the payer sends still wins over the account it paid to.
        var named = await world.ReceiveAsync(CollectionWorld.Credit(later.VirtualAccount, 3_000, sooner.CreditorReference));
        Assert.Equal(sooner.Id, named.Placement!.CollectionId);
        await world.AssertBalancedAsync(8_000);
    }

    [Fact]
    public async Task The_same_bank_transaction_again_books_nothing_and_with_other_details_is_refused()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var collection = await world.CollectionAsync(10_000, "cust-1");
        var credit = CollectionWorld.Credit(collection.VirtualAccount, 4_000, transactionId: "TX-1");
        var first = await world.ReceiveAsync(credit);
        var again = await world.ReceiveAsync(credit with { RemittanceInfo = "sent twice" });
        Assert.Equal(first.Id, again.Id);
        var (conflicting, refusal) = await world.Credits.ReceiveAsync(credit with { AmountMinor = 4_001 }, BankCreditSource.Webhook, default);
        Assert.Equal(BankCreditRefusal.ConflictingDetails, refusal);
        Assert.Equal(4_000, conflicting!.AmountMinor);
        Assert.Equal((CollectionStatus.PartiallyPaid, 4_000L), ((await world.GetAsync(collection.Id)).Status, (await world.GetAsync(collection.Id)).AmountPaid));
        await world.AssertBalancedAsync(4_000);
    }

    [Fact]
    public async Task Credits_racing_from_several_processes_never_over_collect_and_one_credit_raced_books_once()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var collection = await world.CollectionAsync(10_000, "cust-1");
        var processes = Enumerable.Range(0, 4).Select(_ => world.NewProcess()).ToList();
        var credits = Enumerable.Range(0, 8).Select(i => CollectionWorld.Credit(collection.VirtualAccount, 3_000, transactionId: $"TX-{i}")).ToList();
        // Each credit by two processes at once: the bank's retry meeting the first attempt.
        await Task.WhenAll(credits.SelectMany((c, i) => new[] { processes[i % 4], processes[(i + 1) % 4] }
            .Select(p => Task.Run(() => p.Credits.ReceiveAsync(c, BankCreditSource.Webhook, default)))));

        var paid = await world.GetAsync(collection.Id);
        Assert.Equal((CollectionStatus.Overpaid, 10_000L), (paid.Status, paid.AmountPaid));
        Assert.Equal(10_000, await world.CollectionWalletAsync());
        Assert.Equal(24_000 - 10_000, await world.PayerBalanceAsync("cust-1"));
        await world.AssertBalancedAsync(24_000);
    }

    [Fact]
    public async Task A_credit_left_half_way_by_a_dead_process_is_finished_once_by_maintenance()
    {
        var world = await CollectionWorld.CreateAsync(cosmos);
        var collection = await world.CollectionAsync(10_000, "cust-1");
        var container = world.Database.GetContainer(BankCredits.ContainerName);

        // Died right after storing it: received, never decided.
        var received = Stored(BankCredits.IdOf("TX-received"), "TX-received", collection.VirtualAccount, 2_000);
        await container.CreateItemAsync(received, new PartitionKey(received.Id));

        // Died after recording on the collection, before booking: the collection lists it, the ledger has nothing.
        var booked = await world.ReceiveAsync(CollectionWorld.Credit(collection.VirtualAccount, 3_000, transactionId: "TX-recorded"));
        await container.ReplaceItemAsync(booked with { State = BankCreditState.Decided, ETag = null }, booked.Id, new PartitionKey(booked.Id));

        // Died after deciding on a version of the collection that another credit has moved on since: decided again.
        var stale = Stored(BankCredits.IdOf("TX-stale"), "TX-stale", collection.VirtualAccount, 1_000) with
        {
            State = BankCreditState.Decided, Placement = booked.Placement! with { Allocations = [new Allocation(AllocationTarget.Collection, 1_000)] },
        };
        await container.CreateItemAsync(stale, new PartitionKey(stale.Id));

        world.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(3, await world.Credits.FinishAbandonedAsync(TimeSpan.FromMinutes(1), default));
        Assert.Equal(0, await world.Credits.FinishAbandonedAsync(TimeSpan.FromMinutes(1), default));

        var after = await world.GetAsync(collection.Id);
        Assert.Equal((CollectionStatus.PartiallyPaid, 6_000L), (after.Status, after.AmountPaid));
        Assert.Equal(6_000, await world.CollectionWalletAsync());
        await world.AssertBalancedAsync(6_000);
    }

    private static BankCreditDocument Stored(string id, string transaction, string account, long amount) => new()
    {
        Id = id, BankTransactionId = transaction, VirtualAccount = account, AmountMinor = amount, Currency = "EUR", BookedOn = DateOnly.FromDateTime(CollectionWorld.Now.UtcDateTime),
        Source = BankCreditSource.Webhook, State = BankCreditState.Received, ReceivedMicros = CosmosTime.ToMicros(CollectionWorld.Now), UpdatedMicros = CosmosTime.ToMicros(CollectionWorld.Now),
    };

    private static async Task<IReadOnlyList<string>> EventTypesAsync(CollectionWorld world)
    {
        var events = await world.Database.GetContainer(CollectionStore.ContainerName).QueryAllAsync<OutboxDocument>(
            new QueryDefinition($"SELECT * FROM c WHERE c.docType = '{OutboxDocument.EventDocType}' ORDER BY c.sequence"),
            new QueryRequestOptions { PartitionKey = new PartitionKey(world.MerchantId) }, default);
        return [.. events.Select(e => e.Type)];
    }
}
