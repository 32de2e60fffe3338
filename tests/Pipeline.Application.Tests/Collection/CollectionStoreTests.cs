using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Collection;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Merchants;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Banking;
using Pipeline.Domain.Collection;

namespace Pipeline.Application.Tests.Collection;

/// <summary>Collections on Cosmos DB: a virtual account per payer (once, however many requests race), the reference and instructions, cancel.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CollectionStoreTests(CosmosFixture cosmos)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private sealed record World(Database Database, CollectionStore Store, string MerchantId, FakeTimeProvider Clock);

    private async Task<World> WorldAsync()
    {
        var clock = new FakeTimeProvider(Now);
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var merchants = new MerchantStore(database, clock);
        var merchant = (await merchants.CreateAsync("Müller Großhandel", null, default))!.Merchant.Id;
        var options = Options.Create(new CollectionOptions { BankBic = "COBADEFFXXX" });
        var wallets = new WalletStore(database, new CosmosLedgerStore(database, clock), clock);
        return new World(database, new CollectionStore(database, new VirtualAccounts(database, options), wallets, merchants, new StartedWatches(), options, clock), merchant, clock);
    }

    [Fact]
    public async Task Its_orchestrations_looks_remind_once_before_the_due_time_then_expire_it()
    {
        var world = await WorldAsync();
        var collection = (await world.Store.CreateAsync(world.MerchantId, Order(1_000, "cust-1"), null, default)).Collection!;
        var work = new CollectionWork(world.MerchantId, collection.Id, CosmosTime.ToMicros(Now));
        var due = CosmosTime.ToMicros(collection.DueAt);
        var remindAt = due - (TimeSpan.FromDays(3).Ticks / 10);

        Assert.Equal(new CollectionCheck(false, remindAt), await world.Store.CheckAsync(work, default));
        world.Clock.Advance(TimeSpan.FromDays(11));
        Assert.Equal(new CollectionCheck(false, due), await world.Store.CheckAsync(work, default));
        Assert.Equal(new CollectionCheck(false, due), await world.Store.CheckAsync(work, default)); // reminded once
        world.Clock.Advance(TimeSpan.FromDays(3));
        Assert.True((await world.Store.CheckAsync(work, default)).Done);
        Assert.Equal(CollectionStatus.Expired, (await world.Store.GetAsync(world.MerchantId, collection.Id, default))!.Status);
        Assert.Equal(CollectionRefusal.NotCancelable, (await world.Store.CancelAsync(world.MerchantId, collection.Id, default)).Refusal);

        var events = await world.Database.GetContainer(CollectionStore.ContainerName).QueryAllAsync<OutboxDocument>(
            new QueryDefinition($"SELECT * FROM c WHERE c.docType = '{OutboxDocument.EventDocType}' ORDER BY c.sequence"), new QueryRequestOptions { PartitionKey = new PartitionKey(world.MerchantId) }, default);
        Assert.Equal([CollectionEvents.Created, CollectionEvents.Reminder, CollectionEvents.Expired], events.Select(e => e.Type));
    }

    [Fact]
    public async Task A_collection_never_stored_is_given_up_a_minute_after_its_orchestration_started_and_a_canceled_one_at_once()
    {
        var world = await WorldAsync();
        var work = new CollectionWork(world.MerchantId, "col_000000000000000000000000", CosmosTime.ToMicros(Now));
        Assert.Equal(new CollectionCheck(false, CosmosTime.ToMicros(Now.AddSeconds(2))), await world.Store.CheckAsync(work, default)); // soon: it may be stored yet
        world.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(new CollectionCheck(false, CosmosTime.ToMicros(Now.AddMinutes(1))), await world.Store.CheckAsync(work, default));
        world.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await world.Store.CheckAsync(work, default)).Done);

        var collection = (await world.Store.CreateAsync(world.MerchantId, Order(1_000, "cust-1"), null, default)).Collection!;
        await world.Store.CancelAsync(world.MerchantId, collection.Id, default);
        Assert.True((await world.Store.CheckAsync(work with { CollectionId = collection.Id }, default)).Done);
    }

    private static CreateCollectionRequest Order(long amount, string payer, string currency = "EUR") =>
        new(amount, currency, new CollectionPayer("ACME Bau GmbH", payer), Now.AddDays(14), "PO-1");

    [Fact]
    public async Task A_collection_gets_its_payers_virtual_account_a_creditor_reference_and_instructions()
    {
        var world = await WorldAsync();
        var (collection, refusal) = await world.Store.CreateAsync(world.MerchantId, Order(123_450, "cust-1"), null, default);
        Assert.Null(refusal);
        Assert.True(Iban.TryNormalize(collection!.VirtualAccount, out _));
        Assert.StartsWith("DE", collection.VirtualAccount, StringComparison.Ordinal);
        Assert.Equal(1, new CollectionOptions().Scheme().SerialOf(collection.VirtualAccount));
        Assert.True(CreditorReference.TryNormalize(collection.CreditorReference, out _));
        Assert.Equal((CollectionStatus.Open, 123_450L, 0L), (collection.Status, collection.AmountRemaining, collection.AmountPaid));

        var instructions = collection.PaymentInstructions;
        Assert.Equal(("Müller Großhandel", "COBADEFFXXX", collection.CreditorReference), (instructions.Beneficiary, instructions.Bic, instructions.Reference));
        Assert.Equal(
            $"BCD\n002\n1\nSCT\nCOBADEFFXXX\nMuller Grosshandel\n{collection.VirtualAccount}\nEUR1234.50\n\n{collection.CreditorReference}\n\nPO-1",
            instructions.EpcQrPayload);

        var same = (await world.Store.CreateAsync(world.MerchantId, Order(500, "cust-1"), null, default)).Collection!;
        var other = (await world.Store.CreateAsync(world.MerchantId, Order(500, "cust-2"), null, default)).Collection!;
        Assert.Equal(collection.VirtualAccount, same.VirtualAccount);
        Assert.NotEqual(collection.VirtualAccount, other.VirtualAccount);
        Assert.NotEqual(collection.CreditorReference, same.CreditorReference);
        Assert.Null((await world.Store.CreateAsync(world.MerchantId, Order(500, "cust-3", "USD"), null, default)).Collection!.PaymentInstructions.EpcQrPayload);
    }

    [Fact]
    public async Task Requests_racing_for_a_new_payer_give_it_one_virtual_account()
    {
        var world = await WorldAsync();
        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => world.Store.CreateAsync(world.MerchantId, Order(1_000, "cust-race"), null, default)));
        Assert.Single(created.Select(c => c.Collection!.VirtualAccount).Distinct());
        Assert.Equal(8, created.Select(c => c.Collection!.Id).Distinct().Count());
    }

    [Fact]
    public async Task An_idempotency_key_answers_the_same_collection_and_refuses_another()
    {
        var world = await WorldAsync();
        var first = (await world.Store.CreateAsync(world.MerchantId, Order(1_000, "cust-1"), "order-1", default)).Collection!;
        var again = (await world.Store.CreateAsync(world.MerchantId, Order(1_000, "cust-1"), "order-1", default)).Collection!;
        Assert.Equal(first with { Credits = [] }, again with { Credits = [] }); // a list compares by reference in a record
        Assert.Empty(again.Credits);
        Assert.Equal(CollectionRefusal.IdempotencyKeyReused, (await world.Store.CreateAsync(world.MerchantId, Order(2_000, "cust-1"), "order-1", default)).Refusal);
    }

    [Fact]
    public async Task A_canceled_collection_is_canceled_once_and_each_change_has_its_event()
    {
        var world = await WorldAsync();
        var collection = (await world.Store.CreateAsync(world.MerchantId, Order(1_000, "cust-1"), null, default)).Collection!;
        Assert.Equal(CollectionStatus.Canceled, (await world.Store.CancelAsync(world.MerchantId, collection.Id, default)).Collection!.Status);
        Assert.Equal(CollectionRefusal.NotCancelable, (await world.Store.CancelAsync(world.MerchantId, collection.Id, default)).Refusal);
        Assert.Equal(CollectionRefusal.NotFound, (await world.Store.CancelAsync(world.MerchantId, "col_000000000000000000000000", default)).Refusal);

        var events = await world.Database.GetContainer(CollectionStore.ContainerName).QueryAllAsync<OutboxDocument>(
            new QueryDefinition($"SELECT * FROM c WHERE c.docType = '{OutboxDocument.EventDocType}' ORDER BY c.sequence"), new QueryRequestOptions { PartitionKey = new PartitionKey(world.MerchantId) }, default);
        Assert.Equal([(CollectionEvents.Created, 1L), (CollectionEvents.Canceled, 2L)], events.Select(e => (e.Type, e.Sequence)));
    }
}
