using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Events.Publishing;
using Pipeline.Application.Ledger;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Merchants;
using Pipeline.Application.Payments;
using Pipeline.Application.Settlement;
using Pipeline.Application.Tests.Payments;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using Pipeline.Domain.Payments;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Tests.Settlement;

/// <summary>
/// A merchant (priced 2.9 % + 0.30 in EUR, UTC days, payouts to a SEPA account) with a funded wallet on a fresh database,
/// its payments, the relay of the payments' and settlements' feeds into the event log, and settlement over the real
/// Cosmos ledger. The clock is the tests': it starts on 1 December 2026 at 10:00 UTC.
/// </summary>
internal sealed class SettlementWorld
{
    public static readonly DateOnly Day1 = new(2026, 12, 1);

    private SettlementWorld(Database database, FakeTimeProvider clock, CosmosLedgerStore ledger, MerchantStore merchants, string merchantId, string wallet)
    {
        Database = database;
        Clock = clock;
        Ledger = ledger;
        Merchants = merchants;
        MerchantId = merchantId;
        Wallet = wallet;
        Payments = PaymentBench.Payments(database, ledger, clock);
        Log = new EventLog(database);
        Relay = new EventRelay(database, Log, [], new LocalEventLog(clock),
            [new OutboxSource(PaymentStore.ContainerName), new OutboxSource(SettlementStore.ContainerName)], clock, NullLogger<EventRelay>.Instance);
        Store = new SettlementStore(database, new SettlementLedger(ledger), clock);
    }

    public Database Database { get; }
    public FakeTimeProvider Clock { get; }
    public CosmosLedgerStore Ledger { get; }
    public MerchantStore Merchants { get; }
    public string MerchantId { get; }
    public string Wallet { get; }
    public PaymentStore Payments { get; }
    public EventLog Log { get; }
    public EventRelay Relay { get; }
    public SettlementStore Store { get; }

    public static async Task<SettlementWorld> CreateAsync(CosmosFixture cosmos, SettlementSettings? settings = null, bool payoutAccount = true, long funds = 10_000_000)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var merchants = new MerchantStore(database, clock);
        var merchant = (await merchants.CreateAsync("Shop", null, default))!.Merchant.Id;
        clock.Advance(TimeSpan.FromSeconds(1));
        await merchants.SetPricingAsync(merchant, new Pricing(290, 30, "EUR"), default);
        clock.Advance(PricingSchedule.TakesEffectAfter);
        if (settings is not null)
        {
            await merchants.SetSettlementSettingsAsync(merchant, settings, default);
        }

        if (payoutAccount)
        {
            await merchants.SetPayoutAccountAsync(merchant, new PayoutAccount("Shop GmbH", "DE89370400440532013000", "COBADEFFXXX"), default);
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        var (_, wallet) = await PaymentBench.FundedWalletAsync(database, ledger, clock, merchant, funds);
        return new SettlementWorld(database, clock, ledger, merchants, merchant, wallet.Id);
    }

    public MerchantSettler Settler(ILedgerStore? ledger = null) =>
        new(Database, Log, Merchants, new SettlementLedger(ledger ?? Ledger), Clock, NullLogger<MerchantSettler>.Instance);

    /// <summary>An automatic payment, a second after the last thing that happened.</summary>
    public async Task<PaymentView> PayAsync(long amount, PaymentStore? payments = null)
    {
        Clock.Advance(TimeSpan.FromSeconds(1));
        var outcome = await (payments ?? Payments).CreateAsync(MerchantId, new CreatePaymentRequest(amount, "EUR", new PaymentSource(Wallet)), null, default);
        Assert.Null(outcome.Refusal);
        return outcome.Payment!;
    }

    public async Task RefundAsync(string paymentId, long amount)
    {
        Clock.Advance(TimeSpan.FromSeconds(1));
        var outcome = await Payments.RunAsync(MerchantId, paymentId, PaymentOperationKind.Refund, amount, null, default);
        Assert.Null(outcome.Refusal);
    }

    /// <summary>Every change relayed into the event log, and every charge's credit applied.</summary>
    public async Task RelayAsync()
    {
        await Relay.RunPassAsync(PaymentStore.ContainerName, TimeSpan.Zero, default);
        await Relay.RunPassAsync(SettlementStore.ContainerName, TimeSpan.Zero, default);
        await Ledger.RecoverAsync(TimeSpan.Zero);
    }

    /// <summary>Relays, then settles the merchant for <paramref name="date"/> as a run starting a second later would.</summary>
    public async Task<MerchantSettled> SettleAsync(DateOnly date, MerchantSettler? settler = null, string runId = "run_test")
    {
        await RelayAsync();
        Clock.Advance(TimeSpan.FromSeconds(1));
        return await (settler ?? Settler()).SettleAsync(MerchantId, runId, date, CosmosTime.ToMicros(Clock.GetUtcNow()), default);
    }

    public async Task<IReadOnlyList<SettlementDocument>> SettlementsAsync()
    {
        var query = new QueryDefinition($"SELECT * FROM c WHERE c.kind = '{SettlementKinds.Settlement}' ORDER BY c.createdMicros ASC");
        return await Database.GetContainer(SettlementStore.ContainerName).QueryAllAsync<SettlementDocument>(query, new QueryRequestOptions { PartitionKey = new PartitionKey(MerchantId) }, default);
    }

    public async Task<IReadOnlyList<PayoutDocument>> PayoutsAsync()
    {
        var query = new QueryDefinition($"SELECT * FROM c WHERE c.kind = '{SettlementKinds.Payout}' ORDER BY c.createdMicros ASC");
        return await Database.GetContainer(SettlementStore.ContainerName).QueryAllAsync<PayoutDocument>(query, new QueryRequestOptions { PartitionKey = new PartitionKey(MerchantId) }, default);
    }

    /// <summary>An account's posted balance on its normal side (0 for one never opened).</summary>
    public async Task<long> PostedAsync(LedgerId account) => (await Ledger.GetAccountAsync(account))?.PostedMinor ?? 0;

    public LedgerId Revenue => PaymentStore.RevenueAccountOf(MerchantId, Currency.EUR);

    public LedgerId Reserve => SettlementLedger.ReserveAccountOf(MerchantId, Currency.EUR);

    public static LedgerId Fees => SettlementLedger.FeesAccountOf(Currency.EUR);

    public static LedgerId Clearing => SettlementLedger.PayoutClearingOf(Currency.EUR);

    /// <summary>The ledger balances, and every settlement's lines add up to its net and its report's totals.</summary>
    public async Task AssertConsistentAsync()
    {
        Assert.True((await Ledger.AuditAsync()).Balanced, "The ledger audit does not balance.");
        foreach (var settlement in await SettlementsAsync())
        {
            var lines = await Store.LinesAsync(settlement, default);
            Assert.Equal(settlement.Totals.NetMinor, lines.Sum(l => l.AmountMinor));
            Assert.Equal(settlement.Totals.NetMinor, settlement.Totals.PayoutMinor + settlement.Totals.CarriedOutMinor);
        }
    }
}
