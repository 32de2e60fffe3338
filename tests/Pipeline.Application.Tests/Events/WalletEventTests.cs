using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Events;
using Pipeline.Application.Events.Publishing;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Payments;
using Pipeline.Application.Tests.Payments;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Tests.Events;

/// <summary>
/// A wallet's events, derived from what its changes already write: the wallet document (<c>wallet.created</c>, 1) and
/// each entry of its ledger account (<c>wallet.balance_changed</c>, 2, 3 …), numbered by the batch that writes the entry —
/// so two processes changing one wallet at once, refusals (fences) among them, leave no gap and no repeat, and relaying
/// the feeds again changes nothing.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class WalletEventTests(CosmosFixture cosmos)
{
    private const string Merchant = "mer_w";
    private static readonly string[] Containers = [WalletStore.ContainerName, LedgerFeed.ContainerName];
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Every_balance_change_of_a_payments_life_is_one_event_in_order_ending_at_the_wallets_balances()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock, charges: PaymentBench.Recording(database));
        var (wallets, wallet) = await PaymentBench.FundedWalletAsync(database, ledger, clock, Merchant, 1_000);
        var payments = PaymentBench.Payments(database, ledger, clock);
        var paid = (await payments.CreateAsync(Merchant, new CreatePaymentRequest(300, "EUR", new PaymentSource(wallet.Id), CaptureMethod.Automatic), null, default)).Payment!;
        var held = (await payments.CreateAsync(Merchant, new CreatePaymentRequest(200, "EUR", new PaymentSource(wallet.Id), CaptureMethod.Manual), null, default)).Payment!;
        Assert.Null((await payments.RunAsync(Merchant, held.Id, PaymentOperationKind.Capture, 150, null, default)).Refusal);
        Assert.Null((await payments.RunAsync(Merchant, paid.Id, PaymentOperationKind.Refund, 100, null, default)).Refusal);
        // Refused for want of funds: a fence in the wallet's partition, not an entry, so no event and no gap.
        Assert.Equal(PaymentStatus.Declined, (await payments.CreateAsync(Merchant, new CreatePaymentRequest(5_000, "EUR", new PaymentSource(wallet.Id), CaptureMethod.Automatic), null, default)).Payment!.Status);
        await ledger.DrainAsync(default);

        await RelayAllAsync(database, wallets);

        var events = await WalletEventsAsync(database, wallet.Id);
        Assert.Equal([WalletEvents.Created, .. Enumerable.Repeat(WalletEvents.BalanceChanged, 5)], events.Select(e => e.Type));
        var entries = (await ledger.GetEntriesAsync(WalletStore.AccountOf(wallet.Id), null, 100)).Entries;
        Assert.Equal(entries.Select(e => e.TransferId.ToString()), events.Skip(1).Select(e => e.TransferId));
        Assert.Null(events[0].TransferId);
        // Top-up 1,000; charge 300; hold 200; capture 150 of it; refund 100.
        Assert.Equal([(0L, 0L, 0L), (1_000L, 0L, 1_000L), (700L, 0L, 700L), (500L, 200L, 700L), (550L, 0L, 550L), (650L, 0L, 650L)], events.Select(Balances));
        var now = (await wallets.GetAsync(Merchant, wallet.Id, default))!.Balances;
        Assert.Equal((now.Available, now.Pending, now.Posted), Balances(events[^1]));
        Assert.All(events, e => Assert.Equal((wallet.Id, $"/v1/wallets/{wallet.Id}"), (e.Subject, e.Source)));
        await PaymentAssertions.AssertAgreesWithLedgerAsync(database, ledger, Merchant, clock);
    }

    /// <summary>
    /// Two processes (each its own caches) top a wallet up and charge it at once while charges owed to a second wallet are
    /// credited several to a batch, and two relays read the feed at once: each wallet's events are 1 … n, once each, one
    /// per entry; relaying both feeds again from their beginnings adds nothing.
    /// </summary>
    [Fact]
    public async Task Concurrent_changes_from_two_processes_are_numbered_once_each_without_gaps()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var (first, second) = (new CosmosLedgerStore(database, clock), new CosmosLedgerStore(database, clock));
        var wallets = new WalletStore(database, first, clock);
        var payer = await wallets.CreateAsync(Merchant, new WalletOwner(OwnerType.Customer, "payer"), Currency.EUR, 0, default);
        var payee = await wallets.CreateAsync(Merchant, new WalletOwner(OwnerType.Enterprise, "payee"), Currency.EUR, 0, default);
        await new WalletStore(database, second, clock).TopUpAsync(Merchant, payer, 1_000, LedgerId.FromName("seed"), default);

        var charges = Enumerable.Range(0, 16).Select(i => Charge(payer, payee, $"charge-{i}", i == 7 ? 1_000_000 : 10 + i)).ToList();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            var ledger = i % 2 == 0 ? first : second;
            await new WalletStore(database, ledger, clock).TopUpAsync(Merchant, i % 3 == 0 ? payee : payer, 5, LedgerId.FromName($"top-up-{i}"), default);
            await ledger.ChargeAsync(charges[i], memo: null); // charge-7 is refused: more than the payer has.
        }));
        // The charges' credits, owed to the payee, several to one batch — while the payee is topped up once more.
        await Task.WhenAll(first.RecoverAsync(TimeSpan.Zero), new WalletStore(database, second, clock).TopUpAsync(Merchant, payee, 5, LedgerId.FromName("late"), default));
        await first.RecoverAsync(TimeSpan.Zero);
        Assert.True((await first.AuditAsync()).Balanced);

        var relays = Enumerable.Range(0, 2).Select(_ => Relay(database, wallets, pageSize: 7)).ToList();
        await Task.WhenAll(relays.Select(r => r.RunPassAsync(LedgerFeed.ContainerName, TimeSpan.Zero, default)));
        await RelayAllAsync(database, wallets);
        var logged = (await AllEventsAsync(database)).Select(e => e.Id).ToList();

        foreach (var wallet in new[] { payer, payee })
        {
            var events = await WalletEventsAsync(database, wallet.Id);
            var entries = await EntriesAsync(first, wallet.Id);
            Assert.Equal(Enumerable.Range(1, entries + 1), events.Select(e => int.Parse(e.Sequence, CultureInfo.InvariantCulture)));
            Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
            var now = (await wallets.GetAsync(Merchant, wallet.Id, default))!.Balances;
            Assert.Equal((now.Available, now.Pending, now.Posted), Balances(events[^1]));
        }

        var cursors = database.GetContainer(RelayCursor.ContainerName);
        foreach (var container in Containers)
        {
            await cursors.DeleteItemAsync<object>(container, new PartitionKey(container));
        }

        await RelayAllAsync(database, wallets);
        Assert.Equal(logged, (await AllEventsAsync(database)).Select(e => e.Id));
    }

    [Fact]
    public async Task Wallets_and_accounts_from_before_events_emit_nothing_and_a_tagged_account_has_one_partition()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var wallets = new WalletStore(database, ledger, clock);
        var account = new NewAccount(LedgerId.FromName("old"), Currency.EUR, NormalBalance.Credit);
        await ledger.CreateAccountAsync(account);
        await database.GetContainer(WalletStore.ContainerName).CreateItemAsync(
            JsonSerializer.SerializeToElement(new { id = "wal_000000000000000000000bad", merchantId = Merchant, owner = new { type = "customer", reference = "old" }, currency = "EUR", createdMicros = 1L }),
            new PartitionKey("wal_000000000000000000000bad"));
        await ledger.CreateTransferAsync(new Transfer
        {
            Id = LedgerId.FromName("old-top-up"), DebitAccountId = LedgerId.FromName("old-funding"), CreditAccountId = account.Id, Amount = 5, Currency = Currency.EUR,
        });

        await RelayAllAsync(database, wallets);

        Assert.Empty(await AllEventsAsync(database));
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.CreateAccountAsync(account with { Id = LedgerId.FromName("sharded"), Tag = "wal_x" }, creditShards: 2));
    }

    /// <summary>A rollout runs two builds on one database: what the newer one adds to an account (a tag, a counter) outlives the older one's writes.</summary>
    [Fact]
    public async Task An_account_field_this_build_does_not_know_survives_its_writes()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var (_, wallet) = await PaymentBench.FundedWalletAsync(database, ledger, clock, Merchant, 100);
        var accounts = database.GetContainer(LedgerFeed.ContainerName);
        var partition = new PartitionKey(WalletStore.AccountOf(wallet.Id).ToString());
        var document = (await accounts.ReadItemAsync<JsonObject>(AccountDocument.DocumentId, partition)).Resource;
        document["addedLater"] = "kept";
        await accounts.ReplaceItemAsync(document, AccountDocument.DocumentId, partition);

        await new WalletStore(database, new CosmosLedgerStore(database, clock), clock).TopUpAsync(Merchant, wallet, 5, LedgerId.FromName("after"), default);

        var after = (await accounts.ReadItemAsync<JsonObject>(AccountDocument.DocumentId, partition)).Resource;
        Assert.Equal(("kept", wallet.Id, 2L), ((string?)after["addedLater"], (string?)after["tag"], (long?)after["entrySequence"]));
    }

    private static Transfer Charge(WalletView from, WalletView to, string name, long amount) => new()
    {
        Id = LedgerId.Reserved(name),
        DebitAccountId = WalletStore.AccountOf(from.Id),
        CreditAccountId = WalletStore.AccountOf(to.Id),
        Amount = amount,
        Currency = Currency.EUR,
        Code = TransferCodes.WalletTransfer,
    };

    private static (long Available, long Pending, long Posted) Balances(EventEnvelope e)
    {
        var balances = e.Data.GetProperty("balances");
        return (balances.GetProperty("available").GetInt64(), balances.GetProperty("pending").GetInt64(), balances.GetProperty("posted").GetInt64());
    }

    private static async Task<int> EntriesAsync(CosmosLedgerStore ledger, string walletId)
    {
        var (count, after) = (0, (string?)null);
        do
        {
            var page = await ledger.GetEntriesAsync(WalletStore.AccountOf(walletId), after, 100);
            (count, after) = (count + page.Entries.Count, page.Next);
        }
        while (after is not null);
        return count;
    }

    private async Task RelayAllAsync(Database database, WalletStore wallets)
    {
        var relay = Relay(database, wallets);
        foreach (var container in Containers)
        {
            Assert.False((await relay.RunPassAsync(container, TimeSpan.Zero, default)).Superseded);
        }
    }

    private static async Task<List<EventEnvelope>> AllEventsAsync(Database database) =>
        [.. (await new EventLog(database).ListAsync(Merchant, null, 0, 100, default)).Events];

    private static async Task<List<EventEnvelope>> WalletEventsAsync(Database database, string walletId) =>
        [.. (await AllEventsAsync(database)).Where(e => e.Subject == walletId).OrderBy(e => e.Sequence, StringComparer.Ordinal)];

    private EventRelay Relay(Database database, WalletStore wallets, int? pageSize = null) => new(
        database, new EventLog(database), [], new LocalEventLog(clock),
        [new WalletCreatedSource(), new WalletBalanceSource(wallets, NullLogger<WalletBalanceSource>.Instance)], clock, NullLogger<EventRelay>.Instance)
    {
        PageSize = pageSize ?? EventLimits.RelayPageSize,
    };
}
