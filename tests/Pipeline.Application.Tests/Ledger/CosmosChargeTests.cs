using System.Collections.Concurrent;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// Charges on Cosmos DB: the debit and the record of the owed credit in one write, the credit later. While owed,
/// the amount is in flight and the audit says so; whoever completes it — the background completer, a refund
/// settling first, recovery after a crash, several at once — credits it exactly once and keeps the caller's memo.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosChargeTests(CosmosFixture cosmos)
{
    private static readonly LedgerId Funding = LedgerId.FromName("funding");
    private static readonly LedgerId Wallet = LedgerId.FromName("wallet");
    private static readonly LedgerId Merchant = LedgerId.FromName("merchant");
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly MemoLog memos = new();

    [Fact]
    public async Task An_owed_credit_is_in_flight_until_completed()
    {
        var (database, store) = await SetUpAsync(fundWallet: 1_000);
        var charge = Charge("charge", 300);

        Assert.Equal(TransferResult.Ok, await store.ChargeAsync(charge, "memo"));
        var audit = (await store.AuditAsync()).Currencies[Currency.EUR];
        Assert.True(audit.Balanced);
        Assert.Equal(300, audit.InFlightPosted);
        Assert.Equal(700, (await store.GetAccountAsync(Wallet))!.Value.PostedMinor);
        Assert.Equal(0, (await store.GetAccountAsync(Merchant))!.Value.PostedMinor);
        Assert.Null(await store.GetTransferAsync(charge.Id));

        store.CompleteCharge(charge);
        await EventuallyAsync(async () => (await store.GetTransferAsync(charge.Id)) is not null && (await store.AuditAsync()).Currencies[Currency.EUR].InFlightPosted == 0);
        Assert.Equal(300, (await store.GetAccountAsync(Merchant))!.Value.PostedMinor);
        await store.SettleChargeAsync(charge); // Nothing left to do, or the completer's last delete: either way no second credit.
        Assert.Equal(0, await new CosmosLedgerStore(database, clock, charges: Settings()).RecoverAsync(TimeSpan.Zero));
        Assert.Equal(300, (await store.GetAccountAsync(Merchant))!.Value.PostedMinor);
        Assert.Empty(memos.Recorded);
        Assert.True((await store.AuditAsync()).Balanced);
    }

    [Fact]
    public async Task A_caller_that_died_after_charging_has_its_memo_recorded_then_the_charge_completed()
    {
        var (database, _) = await SetUpAsync(fundWallet: 1_000);
        var charge = Charge("charge", 300);

        var dying = new CosmosLedgerStore(database, clock, new CrashFaults(LedgerStep.ChargeDebited, charge.Id), Settings());
        await Assert.ThrowsAsync<SimulatedCrashException>(() => dying.ChargeAsync(charge, "the payment"));
        var fresh = new CosmosLedgerStore(database, clock, charges: Settings());
        Assert.True((await fresh.AuditAsync()).Balanced);

        Assert.Equal(1, await fresh.RecoverAsync(TimeSpan.Zero));
        Assert.Equal(["the payment"], memos.Recorded);
        Assert.Equal(0, await fresh.RecoverAsync(TimeSpan.Zero));
        Assert.Equal(TransferResult.Exists, await fresh.ChargeAsync(charge, "the payment"));
        await AssertSettledAsync(fresh, charge.Id, wallet: 700, merchant: 300);
    }

    [Fact]
    public async Task A_memo_that_cannot_be_recorded_keeps_only_its_own_charge_in_flight()
    {
        var (database, _) = await SetUpAsync(fundWallet: 1_000);
        var poisoned = Charge("poisoned", 100);
        var healthy = Charge("healthy", 200);
        foreach (var (charge, memo) in new[] { (poisoned, "poison"), (healthy, "fine") })
        {
            var dying = new CosmosLedgerStore(database, clock, new CrashFaults(LedgerStep.ChargeDebited, charge.Id), Settings());
            await Assert.ThrowsAsync<SimulatedCrashException>(() => dying.ChargeAsync(charge, memo));
        }

        memos.Refuse("poison");
        var fresh = new CosmosLedgerStore(database, clock, charges: Settings());
        Assert.Equal(1, await fresh.RecoverAsync(TimeSpan.Zero));
        Assert.Equal(["fine"], memos.Recorded);
        var audit = (await fresh.AuditAsync()).Currencies[Currency.EUR];
        Assert.Equal((true, 100), (audit.Balanced, (long)audit.InFlightPosted));

        memos.Refuse(null);
        Assert.Equal(1, await fresh.RecoverAsync(TimeSpan.Zero));
        await AssertSettledAsync(fresh, poisoned.Id, wallet: 700, merchant: 300);
        Assert.Equal(100, (await fresh.GetTransferAsync(poisoned.Id))!.Value.AmountMinor);
    }

    [Fact]
    public async Task A_charge_whose_record_went_to_another_request_is_given_back_once_and_never_credited()
    {
        var (database, _) = await SetUpAsync(fundWallet: 1_000);
        var orphan = Charge("orphan", 400);
        var dying = new CosmosLedgerStore(database, clock, new CrashFaults(LedgerStep.ChargeDebited, orphan.Id), Settings());
        await Assert.ThrowsAsync<SimulatedCrashException>(() => dying.ChargeAsync(orphan, "taken"));
        memos.Take("taken");

        // Two recoveries race, as two processes' maintenance passes would; the money comes back once.
        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => new CosmosLedgerStore(database, clock, charges: Settings()).RecoverAsync(TimeSpan.Zero)));
        var fresh = new CosmosLedgerStore(database, clock, charges: Settings());
        Assert.Equal(0, await fresh.RecoverAsync(TimeSpan.Zero));

        Assert.InRange(results.Sum(), 1, 2);
        Assert.Equal(1_000, (await fresh.GetAccountAsync(Wallet))!.Value.PostedMinor);
        Assert.Equal(0, (await fresh.GetAccountAsync(Merchant))!.Value.PostedMinor);
        Assert.Null(await fresh.GetTransferAsync(orphan.Id));
        Assert.Empty(memos.Recorded);
        var audit = (await fresh.AuditAsync()).Currencies[Currency.EUR];
        Assert.Equal((true, 0), (audit.Balanced, (long)audit.InFlightPosted));
    }

    [Fact]
    public async Task A_transfer_that_cannot_be_driven_does_not_hold_up_the_recovery_of_charges()
    {
        var (database, _) = await SetUpAsync(fundWallet: 1_000);
        // A link whose chain is missing: driving it throws, as any poisoned item would.
        var poisoned = new TransferDocument
        {
            Id = LedgerId.Reserved("poisoned").ToString(), Request = Charge("poisoned", 1), ChainId = LedgerId.FromName("no-chain").ToString(),
        };
        await database.GetContainer(LedgerContainers.Transfers).CreateItemAsync(poisoned, new PartitionKey(poisoned.Id));
        var charge = Charge("charge", 300);
        var dying = new CosmosLedgerStore(database, clock, new CrashFaults(LedgerStep.ChargeDebited, charge.Id), Settings());
        await Assert.ThrowsAsync<SimulatedCrashException>(() => dying.ChargeAsync(charge, "the payment"));

        var fresh = new CosmosLedgerStore(database, clock, charges: Settings());
        Assert.Equal(1, await fresh.RecoverAsync(TimeSpan.Zero));
        Assert.Equal(["the payment"], memos.Recorded);
        Assert.Equal(300, (await fresh.GetAccountAsync(Merchant))!.Value.PostedMinor);
    }

    [Fact]
    public async Task A_credit_that_cannot_be_applied_keeps_only_its_own_charge_in_flight()
    {
        var (database, store) = await SetUpAsync(fundWallet: 1_000);
        var closing = LedgerId.FromName("closing");
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(closing, Currency.EUR)));
        var refused = Charge("to-closed", 100) with { CreditAccountId = closing };
        var fine = Charge("to-open", 200);
        Assert.Equal(TransferResult.Ok, await store.ChargeAsync(refused, null));
        Assert.Equal(TransferResult.Ok, await store.ChargeAsync(fine, null));
        Assert.Equal(CloseAccountResult.Ok, await store.CloseAccountAsync(closing)); // The invariant broken on purpose.

        var fresh = new CosmosLedgerStore(database, clock, charges: Settings());
        Assert.Equal(1, await fresh.RecoverAsync(TimeSpan.Zero));
        Assert.Equal(200, (await fresh.GetAccountAsync(Merchant))!.Value.PostedMinor);
        Assert.NotNull(await fresh.GetTransferAsync(fine.Id));
        Assert.Null(await fresh.GetTransferAsync(refused.Id));
        var audit = (await fresh.AuditAsync()).Currencies[Currency.EUR];
        Assert.Equal((true, 100), (audit.Balanced, (long)audit.InFlightPosted));
        Assert.Equal(0, await fresh.RecoverAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task A_completion_that_died_after_the_credit_is_finished_by_recovery_without_a_second_credit()
    {
        var (database, store) = await SetUpAsync(fundWallet: 1_000);
        var charge = Charge("charge", 300);
        Assert.Equal(TransferResult.Ok, await store.ChargeAsync(charge, "memo"));

        var dying = new CosmosLedgerStore(database, clock, new CrashFaults(LedgerStep.ChargeCredited, charge.Id), Settings());
        await Assert.ThrowsAsync<SimulatedCrashException>(() => dying.SettleChargeAsync(charge));
        var fresh = new CosmosLedgerStore(database, clock, charges: Settings());
        Assert.True((await fresh.AuditAsync()).Balanced, "Credited but not yet forgotten: nothing is in flight twice.");
        Assert.Equal(0, (await fresh.AuditAsync()).Currencies[Currency.EUR].InFlightPosted);

        Assert.Equal(1, await fresh.RecoverAsync(TimeSpan.Zero));
        await AssertSettledAsync(fresh, charge.Id, wallet: 700, merchant: 300);
    }

    [Fact]
    public async Task Concurrent_charges_take_only_what_the_wallet_holds_and_racing_completions_credit_each_once()
    {
        var (database, store) = await SetUpAsync(fundWallet: 1_000);
        var charges = Enumerable.Range(0, 30).Select(i => Charge($"charge-{i}", 100)).ToList();

        var results = await Task.WhenAll(charges.Select(c => store.ChargeAsync(c, null)));
        Assert.Equal(10, results.Count(r => r == TransferResult.Ok));
        Assert.Equal(20, results.Count(r => r == TransferResult.InsufficientFunds));

        // The completer, two settlements per charge from other processes and recovery, all at once.
        var others = new[] { new CosmosLedgerStore(database, clock, charges: Settings()), new CosmosLedgerStore(database, clock, charges: Settings()) };
        charges.ForEach(store.CompleteCharge);
        await Task.WhenAll(charges.SelectMany(c => others.Select(o => o.SettleChargeAsync(c))).Append(others[0].RecoverAsync(TimeSpan.Zero)));
        await EventuallyAsync(async () => (await store.AuditAsync()).Currencies[Currency.EUR].InFlightPosted == 0);

        Assert.Equal(0, (await store.GetAccountAsync(Wallet))!.Value.PostedMinor);
        Assert.Equal(1_000, (await store.GetAccountAsync(Merchant))!.Value.PostedMinor);
        Assert.Equal(10, (await Task.WhenAll(charges.Select(c => store.GetTransferAsync(c.Id)))).Count(t => t is not null));
        Assert.Equal(0, await store.RecoverAsync(TimeSpan.Zero));
        Assert.True((await store.AuditAsync()).Balanced);
    }

    [Fact]
    public async Task The_audit_balances_while_charges_are_made_and_completed_around_it()
    {
        var (_, store) = await SetUpAsync(fundWallet: 1_000_000, merchantShards: 2);
        var charging = Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                var charge = Charge($"load-{worker}-{i}", 1 + i);
                Assert.Equal(TransferResult.Ok, await store.ChargeAsync(charge, null));
                store.CompleteCharge(charge);
            }
        })));

        var audits = 0;
        while (!charging.IsCompleted)
        {
            var audit = await store.AuditAsync();
            Assert.True(audit.Balanced, $"Audit {audits} while charging: {audit.Currencies[Currency.EUR]}");
            audits++;
        }

        await charging;
        Assert.True(audits > 0);
        await EventuallyAsync(async () => (await store.AuditAsync()).Currencies[Currency.EUR].InFlightPosted == 0);
        Assert.Equal(8 * Enumerable.Range(1, 40).Sum(), (await store.GetAccountAsync(Merchant))!.Value.PostedMinor);
    }

    [Fact]
    public async Task Recovery_completes_many_charges_over_several_batches_and_shards() // 250 over 2 shards: two batches of up to 99 each
    {
        var (_, store) = await SetUpAsync(fundWallet: 100_000, merchantShards: 2);
        var charges = Enumerable.Range(0, 250).Select(i => Charge($"many-{i}", i + 1)).ToList();
        foreach (var chunk in charges.Chunk(25))
        {
            Assert.All(await Task.WhenAll(chunk.Select(c => store.ChargeAsync(c, null))), r => Assert.Equal(TransferResult.Ok, r));
        }

        Assert.Equal(250, await store.RecoverAsync(TimeSpan.Zero));

        var total = charges.Sum(c => c.Amount);
        Assert.Equal(100_000 - total, (await store.GetAccountAsync(Wallet))!.Value.PostedMinor);
        Assert.Equal(total, (await store.GetAccountAsync(Merchant))!.Value.PostedMinor);
        Assert.Equal(250, (await store.GetEntriesAsync(Merchant, null, 500)).Entries.Count);
        Assert.Equal(0, (await store.AuditAsync()).Currencies[Currency.EUR].InFlightPosted);
        Assert.True((await store.AuditAsync()).Balanced);
    }

    private async Task AssertSettledAsync(CosmosLedgerStore store, LedgerId charge, long wallet, long merchant)
    {
        Assert.Equal(wallet, (await store.GetAccountAsync(Wallet))!.Value.PostedMinor);
        Assert.Equal(merchant, (await store.GetAccountAsync(Merchant))!.Value.PostedMinor);
        Assert.NotNull(await store.GetTransferAsync(charge));
        var audit = await store.AuditAsync();
        Assert.True(audit.Balanced);
        Assert.Equal(0, audit.Currencies[Currency.EUR].InFlightPosted);
    }

    private async Task<(Database, CosmosLedgerStore)> SetUpAsync(long fundWallet, int merchantShards = 1)
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var store = new CosmosLedgerStore(database, clock, charges: Settings());
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(Funding, Currency.EUR, NormalBalance.Debit)));
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(Wallet, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits)));
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(Merchant, Currency.EUR), merchantShards));
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(new Transfer
        {
            Id = LedgerId.FromName("fund"), DebitAccountId = Funding, CreditAccountId = Wallet, Amount = fundWallet, Currency = Currency.EUR,
        }));
        return (database, store);
    }

    private ChargeSettings Settings() => new(memos, null, NullLogger.Instance);

    /// <summary>A charge of the wallet to the merchant; its id reserved, as every charge's is.</summary>
    private static Transfer Charge(string name, long amount) =>
        new() { Id = LedgerId.Reserved(name), DebitAccountId = Wallet, CreditAccountId = Merchant, Amount = amount, Currency = Currency.EUR };

    /// <summary>Waits for the background completer (bounded: it normally takes tens of milliseconds).</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 200 && !await condition(); attempt++)
        {
            await Task.Delay(50);
        }

        Assert.True(await condition(), "The background completer did not complete the charge within 10 s.");
    }

    /// <summary>
    /// Records memos; one can be made to fail, as a payment that cannot be stored would, and one can be found taken,
    /// as a payment id that holds another payment is.
    /// </summary>
    private sealed class MemoLog : IChargeRecorder
    {
        private readonly ConcurrentQueue<string> recorded = new();
        private string? refused;
        private string? taken;

        public IReadOnlyList<string> Recorded => [.. recorded];

        public void Refuse(string? memo) => refused = memo;

        public void Take(string memo) => taken = memo;

        public Task<bool> RecordAsync(string memo, CancellationToken cancellationToken)
        {
            if (memo == refused)
            {
                throw new InvalidOperationException("The record cannot be stored.");
            }

            if (memo == taken)
            {
                return Task.FromResult(false);
            }

            recorded.Enqueue(memo);
            return Task.FromResult(true);
        }
    }
}
