using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Ledger;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Payments;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Tests.Payments;

/// <summary>
/// Every change of a payment a merchant can see is stored with its event, in the same batch (docs/EVENTS.md): one
/// event per change, sequences 1, 2, 3 … without gaps or repeats, none for a refused operation, and the same event
/// whether the request or the ledger's recovery stored the payment.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class PaymentEventOutboxTests(CosmosFixture cosmos)
{
    private const string Merchant = "mer_events";
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_manual_payment_emits_one_event_per_visible_change_and_none_for_a_refusal()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var payments = Payments(database, ledger);
        var wallet = await FundedWalletAsync(database, ledger, 5_000);
        var id = (await payments.CreateAsync(Merchant, new CreatePaymentRequest(1_000, "EUR", new PaymentSource(wallet), CaptureMethod.Manual), null, default)).Payment!.Id;

        Assert.Null((await payments.RunAsync(Merchant, id, PaymentOperationKind.Increment, 500, null, default)).Refusal);
        Assert.NotNull((await payments.RunAsync(Merchant, id, PaymentOperationKind.Increment, 50_000, null, default)).Refusal);
        Assert.Null((await payments.RunAsync(Merchant, id, PaymentOperationKind.Capture, null, null, default)).Refusal);
        Assert.Null((await payments.RunAsync(Merchant, id, PaymentOperationKind.Refund, 600, null, default)).Refusal);
        Assert.Null((await payments.RunAsync(Merchant, id, PaymentOperationKind.Refund, null, null, default)).Refusal);

        var events = await EventsOfAsync(database, id);
        Assert.Equal(
            [PaymentEvents.RequiresCapture, PaymentEvents.AmountUpdated, PaymentEvents.Succeeded, PaymentEvents.PartiallyRefunded, PaymentEvents.Refunded],
            events.Select(e => e.Type));
        Assert.Equal([1L, 2, 3, 4, 5], events.Select(e => e.Sequence));
        Assert.All(events, e => Assert.Equal((EventIds.Of($"/v1/payments/{id}", e.Sequence, e.TimeMicros), id, "1.0"), (e.Id, e.Envelope.Subject, e.Envelope.SpecVersion)));
        Assert.Equal("refunded", events[^1].Envelope.Data.GetProperty("status").GetString());
        Assert.Equal(1_500, events[2].Envelope.Data.GetProperty("amountCaptured").GetInt64());

        // The events live beside the payment, and nothing that reads payments sees them.
        Assert.Single((await payments.ListAsync(Merchant, null, 10, null, default)).Payments);
        await PaymentAssertions.AssertAgreesWithLedgerAsync(database, ledger, Merchant, clock);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_automatic_payment_stored_by_recovery_carries_the_event_its_request_would_have_written(bool requestDied)
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock, charges: Recording(database));
        var wallet = await FundedWalletAsync(database, ledger, 5_000);
        var request = new CreatePaymentRequest(1_000, "EUR", new PaymentSource(wallet), CaptureMethod.Automatic);

        string id;
        if (requestDied)
        {
            await Assert.ThrowsAsync<ProcessDiedException>(() => Payments(database, new DyingLedger(ledger, 1, afterApplying: true)).CreateAsync(Merchant, request, "order-1", default));
            var fresh = new CosmosLedgerStore(database, clock, charges: Recording(database));
            Assert.Equal(1, await fresh.RecoverAsync(TimeSpan.Zero));
            id = Assert.Single((await Payments(database, fresh).ListAsync(Merchant, null, 10, null, default)).Payments).Id;
        }
        else
        {
            id = (await Payments(database, ledger).CreateAsync(Merchant, request, "order-1", default)).Payment!.Id;
            // Recovery meets the charge before the background credits it: it finds the payment stored and writes nothing more.
            await new CosmosLedgerStore(database, clock, charges: Recording(database)).RecoverAsync(TimeSpan.Zero);
        }

        var stored = Assert.Single(await EventsOfAsync(database, id));
        Assert.Equal((PaymentEvents.Succeeded, 1L, EventIds.Of($"/v1/payments/{id}", 1, stored.TimeMicros)), (stored.Type, stored.Sequence, stored.Id));
        Assert.Equal("succeeded", stored.Envelope.Data.GetProperty("status").GetString());
        Assert.True((await ledger.AuditAsync()).Balanced);
    }

    [Fact]
    public async Task Racing_operations_on_one_payment_leave_one_event_per_change_without_gaps()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var wallet = await FundedWalletAsync(database, ledger, 50_000);
        var id = (await Payments(database, ledger).CreateAsync(Merchant, new CreatePaymentRequest(10_000, "EUR", new PaymentSource(wallet), CaptureMethod.Automatic), null, default)).Payment!.Id;

        // Eight processes refund at once; each refund either wins its round or is told the payment changed.
        var refunds = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Payments(database, new CosmosLedgerStore(database, clock)).RunAsync(Merchant, id, PaymentOperationKind.Refund, 100, $"refund-{i}", default)));

        var granted = refunds.Count(r => r.Refusal is null);
        var events = await EventsOfAsync(database, id);
        Assert.Equal(Enumerable.Range(1, 1 + granted).Select(n => (long)n), events.Select(e => e.Sequence));
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.All(events.Skip(1), e => Assert.Equal(PaymentEvents.PartiallyRefunded, e.Type));
        await PaymentAssertions.AssertAgreesWithLedgerAsync(database, ledger, Merchant, clock);
    }

    /// <summary>
    /// An authorisation whose window closed reads as canceled at once, but its event comes from a write: the maintenance
    /// sweep makes it, once, and releases the hold; a payment captured in time, or not yet due, is left alone.
    /// </summary>
    [Fact]
    public async Task The_maintenance_sweep_cancels_expired_authorisations_once_with_their_event()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var payments = Payments(database, ledger);
        var wallet = await FundedWalletAsync(database, ledger, 5_000);
        async Task<string> AuthoriseAsync() =>
            (await payments.CreateAsync(Merchant, new CreatePaymentRequest(1_000, "EUR", new PaymentSource(wallet), CaptureMethod.Manual), null, default)).Payment!.Id;
        var expiring = await AuthoriseAsync();
        var captured = await AuthoriseAsync();
        Assert.Null((await payments.RunAsync(Merchant, captured, PaymentOperationKind.Capture, 400, null, default)).Refusal);

        Assert.Equal(0, await payments.ExpireDueAsync(default));
        clock.Advance(new PaymentOptions().AuthorizationWindow + TimeSpan.FromSeconds(1));
        var late = await AuthoriseAsync();
        Assert.Equal(1, await payments.ExpireDueAsync(default));
        Assert.Equal(0, await payments.ExpireDueAsync(default));

        var events = await EventsOfAsync(database, expiring);
        Assert.Equal([PaymentEvents.RequiresCapture, PaymentEvents.Canceled], events.Select(e => e.Type));
        Assert.Equal("expired", events[^1].Envelope.Data.GetProperty("cancellationReason").GetString());
        Assert.Single(await EventsOfAsync(database, late));
        Assert.Equal(2, (await EventsOfAsync(database, captured)).Count);
        // 5,000 less the 400 captured and the late authorisation's 1,000: the expired hold was released.
        Assert.Equal(3_600, (await new WalletStore(database, ledger, clock).GetAsync(Merchant, wallet, default))!.Balances.Available);
        await PaymentAssertions.AssertAgreesWithLedgerAsync(database, ledger, Merchant, clock);
    }

    [Fact]
    public async Task An_events_sequence_and_ttl_are_stored_as_numbers()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var wallet = await FundedWalletAsync(database, ledger, 5_000);
        var id = (await Payments(database, ledger).CreateAsync(Merchant, new CreatePaymentRequest(1_000, "EUR", new PaymentSource(wallet), CaptureMethod.Automatic), null, default)).Payment!.Id;

        var stored = Assert.Single(await RawEventsOfAsync(database, id));
        Assert.Equal((JsonValueKind.Number, JsonValueKind.Number), (stored.GetProperty("ttl").ValueKind, stored.GetProperty("sequence").ValueKind));
        Assert.Equal("0000000000000000001", stored.GetProperty("envelope").GetProperty("sequence").GetString());
    }

    /// <summary>
    /// A build from before events drops the payment's counter when it rewrites the payment (during a deployment): the
    /// next change counts on from the events stored, instead of failing on an event id that exists (found in review).
    /// </summary>
    [Fact]
    public async Task A_payment_whose_counter_an_older_build_dropped_counts_on_from_its_events()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var payments = Payments(database, ledger);
        var wallet = await FundedWalletAsync(database, ledger, 5_000);
        var id = (await payments.CreateAsync(Merchant, new CreatePaymentRequest(1_000, "EUR", new PaymentSource(wallet), CaptureMethod.Automatic), null, default)).Payment!.Id;
        Assert.Null((await payments.RunAsync(Merchant, id, PaymentOperationKind.Refund, 100, null, default)).Refusal);

        var container = database.GetContainer(PaymentStore.ContainerName);
        var document = (await container.ReadItemAsync<JsonObject>(id, new PartitionKey(Merchant))).Resource;
        Assert.True(document.Remove("eventSequence"));
        await container.ReplaceItemAsync(document, id, new PartitionKey(Merchant));
        Assert.Null((await payments.RunAsync(Merchant, id, PaymentOperationKind.Refund, 100, null, default)).Refusal);

        var events = await EventsOfAsync(database, id);
        Assert.Equal([1L, 2, 3], events.Select(e => e.Sequence));
        Assert.Equal(3, events.Select(e => e.Id).Distinct().Count());
        await PaymentAssertions.AssertAgreesWithLedgerAsync(database, ledger, Merchant, clock);
    }

    [Fact]
    public async Task A_payment_stored_before_events_existed_starts_its_sequence_with_its_next_change()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var payments = Payments(database, ledger);
        var wallet = await FundedWalletAsync(database, ledger, 5_000);
        var id = (await payments.CreateAsync(Merchant, new CreatePaymentRequest(1_000, "EUR", new PaymentSource(wallet), CaptureMethod.Automatic), null, default)).Payment!.Id;
        var container = database.GetContainer(PaymentStore.ContainerName);
        foreach (var stored in await RawEventsOfAsync(database, id))
        {
            await container.DeleteItemAsync<JsonElement>(stored.GetProperty("id").GetString(), new PartitionKey(Merchant));
        }

        var document = (await container.ReadItemAsync<JsonObject>(id, new PartitionKey(Merchant))).Resource;
        Assert.True(document.Remove("eventSequence"));
        await container.ReplaceItemAsync(document, id, new PartitionKey(Merchant));
        Assert.Null((await payments.RunAsync(Merchant, id, PaymentOperationKind.Refund, null, null, default)).Refusal);

        var only = Assert.Single(await EventsOfAsync(database, id));
        Assert.Equal((PaymentEvents.Refunded, 1L), (only.Type, only.Sequence));
    }

    private static async Task<IReadOnlyList<JsonElement>> RawEventsOfAsync(Database database, string paymentId) =>
        await database.GetContainer(PaymentStore.ContainerName).QueryAllAsync<JsonElement>(
            new QueryDefinition("SELECT * FROM c WHERE c.docType = 'event' AND c.subject = @id").WithParameter("@id", paymentId),
            new QueryRequestOptions { PartitionKey = new PartitionKey(Merchant) }, CancellationToken.None);

    private static async Task<List<OutboxDocument>> EventsOfAsync(Database database, string paymentId)
    {
        var found = await RawEventsOfAsync(database, paymentId);
        return [.. found.Select(e => e.Deserialize<OutboxDocument>(CosmosJson.Options)!).OrderBy(e => e.Sequence)];
    }

    private async Task<string> FundedWalletAsync(Database database, ILedgerStore ledger, long funds) =>
        (await PaymentBench.FundedWalletAsync(database, ledger, clock, Merchant, funds)).Wallet.Id;

    private static ChargeSettings Recording(Database database) => PaymentBench.Recording(database);

    private PaymentStore Payments(Database database, ILedgerStore ledger) => PaymentBench.Payments(database, ledger, clock);
}
