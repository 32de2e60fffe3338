using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Events;
using Pipeline.Application.Events.Publishing;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Payments;
using Pipeline.Application.Tests.Payments;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Tests.Events;

/// <summary>
/// The relay against the emulator's change feed: every event of the outbox reaches the merchant's log (positions
/// 1, 2, 3 … without gaps) and the publisher, once, in order — also when a pass dies before recording its cursor and
/// runs again, and when two relays read one feed at once.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class EventRelayTests(CosmosFixture cosmos)
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Every_payment_event_reaches_the_log_and_the_publisher_once_in_order()
    {
        var (database, payments, wallet) = await SetUpAsync("mer_a");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await payments.CreateAsync("mer_a", Automatic(wallet, 100), null, default)).Payment!.Id);
        }

        Assert.Null((await payments.RunAsync("mer_a", ids[0], PaymentOperationKind.Refund, 40, null, default)).Refusal);
        var published = new LocalEventLog(clock);
        var relay = Relay(database, published);

        Assert.Equal(new RelayPassResult(4, false), await relay.RunPassAsync(PaymentStore.ContainerName, TimeSpan.Zero, default));
        Assert.Equal(new RelayPassResult(0, false), await relay.RunPassAsync(PaymentStore.ContainerName, TimeSpan.Zero, default));

        var log = await new EventLog(database).ListAsync("mer_a", null, 0, 100, default);
        Assert.Equal(published.Snapshot().Select(e => e.Id), log.Events.Select(e => e.Id));
        Assert.Equal(4, log.Events.Select(e => e.Id).Distinct().Count());
        Assert.Equal("4", log.Next);
        Assert.Equal([PaymentEvents.Succeeded, PaymentEvents.PartiallyRefunded], log.Events.Where(e => e.Subject == ids[0]).Select(e => e.Type));
        Assert.Equal(ids, log.Events.Where(e => e.Type == PaymentEvents.Succeeded).Select(e => e.Subject));
    }

    [Fact]
    public async Task The_log_pages_by_position_filters_by_type_and_keeps_merchants_apart()
    {
        var (database, payments, wallet) = await SetUpAsync("mer_a");
        var (_, _, otherWallet) = await SetUpAsync("mer_b", database);
        for (var i = 0; i < 5; i++)
        {
            await payments.CreateAsync("mer_a", Automatic(wallet, 10), null, default);
        }

        var manual = (await payments.CreateAsync("mer_a", new CreatePaymentRequest(10, "EUR", new PaymentSource(wallet), CaptureMethod.Manual), null, default)).Payment!.Id;
        var theirs = (await payments.CreateAsync("mer_b", Automatic(otherWallet, 10), null, default)).Payment!.Id;
        await Relay(database, new LocalEventLog(clock)).RunPassAsync(PaymentStore.ContainerName, TimeSpan.Zero, default);
        var log = new EventLog(database);

        var first = await log.ListAsync("mer_a", null, 0, 4, default);
        var second = await log.ListAsync("mer_a", null, long.Parse(first.Next!, System.Globalization.CultureInfo.InvariantCulture), 4, default);
        Assert.Equal((4, true, 2, false, "6"), (first.Events.Count, first.HasMore, second.Events.Count, second.HasMore, second.Next));
        Assert.Empty(first.Events.Select(e => e.Id).Intersect(second.Events.Select(e => e.Id)));
        var held = await log.ListAsync("mer_a", PaymentEvents.RequiresCapture, 0, 10, default);
        Assert.Equal(manual, Assert.Single(held.Events).Subject);
        Assert.Equal(theirs, Assert.Single((await log.ListAsync("mer_b", null, 0, 10, default)).Events).Subject);

        var mine = first.Events[0].Id;
        Assert.NotNull(await log.GetAsync("mer_a", mine, default));
        Assert.Null(await log.GetAsync("mer_b", mine, default));
        Assert.Null(await log.GetAsync("mer_a", EventLogHead.DocumentId, default));
    }

    /// <summary>A pass that dies after logging and before its cursor is recorded runs the page again: nothing lost, nothing logged twice.</summary>
    [Fact]
    public async Task A_pass_that_dies_before_recording_its_cursor_hands_the_page_over_again_without_duplicates()
    {
        var (database, payments, wallet) = await SetUpAsync("mer_a");
        for (var i = 0; i < 3; i++)
        {
            await payments.CreateAsync("mer_a", Automatic(wallet, 100), null, default);
        }

        var failing = new FailingPublisher(new LocalEventLog(clock), failures: 1);
        var relay = Relay(database, failing);
        await Assert.ThrowsAsync<IOException>(() => relay.RunPassAsync(PaymentStore.ContainerName, TimeSpan.Zero, default));
        Assert.Equal(3, (await new EventLog(database).ListAsync("mer_a", null, 0, 100, default)).Events.Count);

        await payments.CreateAsync("mer_a", Automatic(wallet, 100), null, default);
        Assert.Equal(4, (await relay.RunPassAsync(PaymentStore.ContainerName, TimeSpan.Zero, default)).Events);
        var log = await new EventLog(database).ListAsync("mer_a", null, 0, 100, default);
        Assert.Equal(4, log.Events.Count);
        Assert.Equal(4, log.Events.Select(e => e.Id).Distinct().Count());
        Assert.Equal(log.Events.Select(e => e.Id), failing.Inner.Snapshot().Select(e => e.Id));
    }

    /// <summary>An activity run twice: two relays on one feed, each with its own cache of the cursor. One stops; the log stays gapless.</summary>
    [Fact]
    public async Task Two_relays_racing_on_one_feed_leave_one_gapless_log()
    {
        var (database, payments, wallet) = await SetUpAsync("mer_a");
        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => payments.CreateAsync("mer_a", Automatic(wallet, 10), null, default)));

        var publisher = new LocalEventLog(clock);
        var passes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Relay(database, publisher, pageSize: 7).RunPassAsync(PaymentStore.ContainerName, TimeSpan.Zero, default)));
        await Relay(database, publisher).RunPassAsync(PaymentStore.ContainerName, TimeSpan.Zero, default);

        var log = await new EventLog(database).ListAsync("mer_a", null, 0, 100, default);
        Assert.Equal(40, log.Events.Count);
        Assert.Equal(40, log.Events.Select(e => e.Id).Distinct().Count());
        Assert.Equal("40", log.Next);
        Assert.Equal(40, publisher.Snapshot().Count);
        Assert.True(passes.Sum(p => p.Events) >= 40);
    }

    /// <summary>
    /// Pages handed on a few at once, by a publisher that takes its time, from a feed with no cursor yet: the pass records
    /// its cursor past every page, in order, and is not taken for one another relay superseded — it was, and the relay
    /// handed its first page over again forever (found in review).
    /// </summary>
    [Fact]
    public async Task Pages_handed_on_at_once_by_a_slow_publisher_are_each_recorded_once_from_a_first_pass()
    {
        var (database, payments, wallet) = await SetUpAsync("mer_a");
        for (var i = 0; i < 12; i++)
        {
            await payments.CreateAsync("mer_a", Automatic(wallet, 10 + i), null, default);
        }

        var published = new LocalEventLog(clock);
        var relay = Relay(database, new SlowPublisher(published), pageSize: 4);

        Assert.Equal(new RelayPassResult(12, false), await relay.RunPassAsync(PaymentStore.ContainerName, TimeSpan.Zero, default));
        Assert.Equal(new RelayPassResult(0, false), await relay.RunPassAsync(PaymentStore.ContainerName, TimeSpan.Zero, default));
        Assert.Equal(12, published.Snapshot().Count);
        Assert.Equal(0, published.Duplicates);
    }

    [Fact]
    public async Task Concurrent_appends_to_one_merchant_give_every_event_one_position()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var log = new EventLog(database);
        var batches = Enumerable.Range(0, 6).Select(b => Enumerable.Range(0, 30).Select(i => new RelayedEvent("mer_a",
            EventEnvelope.Of("payment.succeeded", $"/v1/payments/pay_{b}_{i}", $"pay_{b}_{i}", 1, 1_000, System.Text.Json.JsonSerializer.SerializeToElement(new { b, i })))).ToList()).ToList();

        // Each batch twice, all at once: as if six sources' relays and a rerun of each appended together.
        await Task.WhenAll(batches.Concat(batches).Select(b => log.AppendAsync(b, default)));

        var all = await log.ListAsync("mer_a", null, 0, 100, default);
        var rest = await log.ListAsync("mer_a", null, long.Parse(all.Next!, System.Globalization.CultureInfo.InvariantCulture), 100, default);
        var ids = all.Events.Concat(rest.Events).Select(e => e.Id).ToList();
        Assert.Equal(180, ids.Count);
        Assert.Equal(180, ids.Distinct().Count());
        Assert.Equal("180", rest.Next);
    }

    private async Task<(Database Database, PaymentStore Payments, string Wallet)> SetUpAsync(string merchant, Database? existing = null)
    {
        var database = existing ?? await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var (_, wallet) = await PaymentBench.FundedWalletAsync(database, ledger, clock, merchant, 1_000_000);
        return (database, PaymentBench.Payments(database, ledger, clock), wallet.Id);
    }

    private static CreatePaymentRequest Automatic(string wallet, long amount) => new(amount, "EUR", new PaymentSource(wallet), CaptureMethod.Automatic);

    private EventRelay Relay(Database database, IEventPublisher publisher, int? pageSize = null) =>
        new(database, new EventLog(database), [], publisher, [new OutboxSource(PaymentStore.ContainerName)], clock, NullLogger<EventRelay>.Instance) { PageSize = pageSize ?? EventLimits.RelayPageSize };

    /// <summary>A publisher that answers later, as Service Bus does: the relay has several pages under way meanwhile.</summary>
    private sealed class SlowPublisher(LocalEventLog inner) : IEventPublisher
    {
        public async Task PublishAsync(IReadOnlyList<EventEnvelope> events, CancellationToken cancellationToken)
        {
            await Task.Delay(50, cancellationToken);
            await inner.PublishAsync(events, cancellationToken);
        }
    }

    /// <summary>A publisher whose first sends fail (a Service Bus outage), then pass through.</summary>
    private sealed class FailingPublisher(LocalEventLog inner, int failures) : IEventPublisher
    {
        private int left = failures;

        public LocalEventLog Inner => inner;

        public Task PublishAsync(IReadOnlyList<EventEnvelope> events, CancellationToken cancellationToken) =>
            Interlocked.Decrement(ref left) >= 0 ? throw new IOException("The topic is unreachable.") : inner.PublishAsync(events, cancellationToken);
    }
}
