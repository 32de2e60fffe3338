using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// A crash between every pair of writes of the protocol: the crashed writer's store is abandoned, a fresh store
/// (a new process) recovers, and then the transfer must be fully applied exactly once, the books balanced, and a
/// retry of the request must answer exists.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosLedgerCrashTests(CosmosFixture cosmos)
{
    private static readonly LedgerId Funding = LedgerId.FromName("funding");
    private static readonly LedgerId Wallet = LedgerId.FromName("wallet");
    private static readonly LedgerId Payee = LedgerId.FromName("payee");
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public static TheoryData<LedgerStep> TransferSteps() => [LedgerStep.TransferRecorded, LedgerStep.DebitApplied, LedgerStep.CreditApplied];

    public static TheoryData<LedgerStep> ResolveSteps() =>
        [LedgerStep.TransferRecorded, LedgerStep.HoldClaimed, LedgerStep.Committed, LedgerStep.DebitApplied, LedgerStep.CreditApplied];

    [Theory]
    [MemberData(nameof(TransferSteps))]
    public async Task A_transfer_interrupted_after_any_write_is_completed_by_recovery(LedgerStep step)
    {
        var database = await SetUpAsync(fundWallet: 1_000);
        var payment = Move(LedgerId.FromName("payment"), Wallet, Payee, 300);
        var faults = new CrashFaults(step, payment.Id);

        await Assert.ThrowsAsync<SimulatedCrashException>(() => new CosmosLedgerStore(database, clock, faults).CreateTransferAsync(payment));
        var recovered = new CosmosLedgerStore(database, clock);
        Assert.True((await recovered.AuditAsync()).Balanced, "The audit must balance while the transfer is in flight.");

        Assert.Equal(1, await recovered.RecoverAsync(TimeSpan.Zero));

        Assert.Equal(TransferResult.Exists, await recovered.CreateTransferAsync(payment));
        Assert.Equal(700, (await recovered.GetAccountAsync(Wallet))!.Value.PostedMinor);
        Assert.Equal(300, (await recovered.GetAccountAsync(Payee))!.Value.PostedMinor);
        Assert.Equal(0, await recovered.RecoverAsync(TimeSpan.Zero));
        Assert.True((await recovered.AuditAsync()).Balanced);
    }

    [Theory]
    [MemberData(nameof(ResolveSteps))]
    public async Task A_capture_interrupted_after_any_write_is_completed_by_recovery(LedgerStep step)
    {
        var database = await SetUpAsync(fundWallet: 1_000);
        var setup = new CosmosLedgerStore(database, clock);
        var hold = Move(LedgerId.FromName("hold"), Wallet, Payee, 600, TransferFlags.Pending);
        Assert.Equal(TransferResult.Ok, await setup.CreateTransferAsync(hold));
        var capture = new Transfer { Id = LedgerId.FromName("capture"), PendingId = hold.Id, Amount = 450, Flags = TransferFlags.PostPending };

        await Assert.ThrowsAsync<SimulatedCrashException>(() =>
            new CosmosLedgerStore(database, clock, new CrashFaults(step, capture.Id)).CreateTransferAsync(capture));
        var recovered = new CosmosLedgerStore(database, clock);
        Assert.True((await recovered.AuditAsync()).Balanced, "The audit must balance while the capture is in flight.");

        await recovered.RecoverAsync(TimeSpan.Zero);

        Assert.Equal(TransferResult.Exists, await recovered.CreateTransferAsync(capture));
        var wallet = (await recovered.GetAccountAsync(Wallet))!.Value;
        Assert.Equal(550, wallet.PostedMinor);
        Assert.Equal(0, wallet.PendingOutMinor);
        Assert.Equal(450, (await recovered.GetAccountAsync(Payee))!.Value.PostedMinor);
        Assert.Equal(PendingState.Posted, (await recovered.GetTransferAsync(hold.Id))!.Value.State);
        Assert.True((await recovered.AuditAsync()).Balanced);
    }

    [Fact]
    public async Task A_hold_recovered_late_still_expires_on_time()
    {
        var database = await SetUpAsync(fundWallet: 1_000);
        var hold = Move(LedgerId.FromName("late-hold"), Wallet, Payee, 300, TransferFlags.Pending) with { TimeoutSeconds = 60 };
        await Assert.ThrowsAsync<SimulatedCrashException>(() =>
            new CosmosLedgerStore(database, clock, new CrashFaults(LedgerStep.DebitApplied, hold.Id)).CreateTransferAsync(hold));

        clock.Advance(TimeSpan.FromSeconds(61));
        var recovered = new CosmosLedgerStore(database, clock);
        await recovered.RecoverAsync(TimeSpan.Zero);

        Assert.Equal(1, await recovered.ExpirePendingTransfersAsync());
        Assert.Equal(1_000, (await recovered.GetAccountAsync(Wallet))!.Value.AvailableMinor);
        Assert.True((await recovered.AuditAsync()).Balanced);
    }

    [Fact]
    public async Task A_retry_of_the_request_finishes_a_crashed_transfer_without_waiting_for_recovery()
    {
        var database = await SetUpAsync(fundWallet: 1_000);
        var payment = Move(LedgerId.FromName("payment"), Wallet, Payee, 250);
        await Assert.ThrowsAsync<SimulatedCrashException>(() =>
            new CosmosLedgerStore(database, clock, new CrashFaults(LedgerStep.DebitApplied, payment.Id)).CreateTransferAsync(payment));

        var retry = new CosmosLedgerStore(database, clock);

        Assert.Equal(TransferResult.Exists, await retry.CreateTransferAsync(payment));
        Assert.Equal(250, (await retry.GetAccountAsync(Payee))!.Value.PostedMinor);
        Assert.Equal(0, await retry.RecoverAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task A_credit_refused_after_the_debit_is_reversed_and_the_transfer_fails()
    {
        var database = await SetUpAsync(fundWallet: 1_000);
        var capped = LedgerId.FromName("capped");
        var setup = new CosmosLedgerStore(database, clock);
        Assert.Equal(CreateAccountResult.Ok, await setup.CreateAccountAsync(new NewAccount(capped, Currency.EUR, NormalBalance.Debit, AccountFlags.CreditsMustNotExceedDebits, 500)));
        var payment = Move(LedgerId.FromName("payment"), Wallet, capped, 400);

        // Between this payment's debit and its credit, another writer fills the capped account's limit.
        var faults = new InterleavingFaults(LedgerStep.DebitApplied, payment.Id, async () =>
            Assert.Equal(TransferResult.Ok, await setup.CreateTransferAsync(Move(LedgerId.FromName("filler"), Funding, capped, 200))));
        var result = await new CosmosLedgerStore(database, clock, faults).CreateTransferAsync(payment);

        Assert.Equal(TransferResult.ExceedsDebits, result);
        Assert.Equal(1_000, (await setup.GetAccountAsync(Wallet))!.Value.PostedMinor);
        Assert.Equal(TransferResult.IdAlreadyFailed, await setup.CreateTransferAsync(payment));
        Assert.Null(await setup.GetTransferAsync(payment.Id));
        Assert.True((await setup.AuditAsync()).Balanced);
    }

    public static TheoryData<int, LedgerStep, bool> ChainCrashes() => new()
    {
        { 0, LedgerStep.LinkHeld, true },
        { 1, LedgerStep.LinkHeld, true },
        { 0, LedgerStep.Committed, true },
        { 0, LedgerStep.LinkHeld, false },
        { 0, LedgerStep.Committed, false },
    };

    [Theory]
    [MemberData(nameof(ChainCrashes))]
    public async Task A_chain_interrupted_anywhere_ends_all_applied_or_all_released(int link, LedgerStep step, bool affordable)
    {
        var database = await SetUpAsync(fundWallet: 1_000);
        Transfer[] chain =
        [
            Move(LedgerId.FromName("sale"), Wallet, Payee, 600, TransferFlags.Linked),
            Move(LedgerId.FromName("fee"), Payee, Funding, affordable ? 30 : 700),
        ];
        var faults = new CrashFaults(step, chain[link].Id);

        await Assert.ThrowsAsync<SimulatedCrashException>(() => new CosmosLedgerStore(database, clock, faults).CreateTransfersAsync(chain));
        var recovered = new CosmosLedgerStore(database, clock);
        Assert.True((await recovered.AuditAsync()).Balanced, "The audit must balance while the chain is in flight.");

        Assert.True(await recovered.RecoverAsync(TimeSpan.Zero) >= 1);

        var wallet = (await recovered.GetAccountAsync(Wallet))!.Value;
        var payee = (await recovered.GetAccountAsync(Payee))!.Value;
        Assert.Equal(0, wallet.PendingOutMinor);
        Assert.Equal(0, payee.PendingInMinor + payee.PendingOutMinor);
        Assert.Equal(affordable ? 400 : 1_000, wallet.PostedMinor);
        Assert.Equal(affordable ? 570 : 0, payee.PostedMinor);
        var replay = await recovered.CreateTransfersAsync(chain);
        Assert.Equal(affordable ? [TransferResult.Exists, TransferResult.Exists] : [TransferResult.LinkedEventFailed, TransferResult.IdAlreadyFailed], replay);
        Assert.True((await recovered.AuditAsync()).Balanced);
    }

    private async Task<Database> SetUpAsync(long fundWallet)
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(Funding, Currency.EUR, NormalBalance.Debit)));
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(Wallet, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits)));
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(Payee, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits)));
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(Move(LedgerId.FromName("fund"), Funding, Wallet, fundWallet)));
        return database;
    }

    private static Transfer Move(LedgerId id, LedgerId from, LedgerId to, long amount, TransferFlags flags = TransferFlags.None) =>
        new() { Id = id, DebitAccountId = from, CreditAccountId = to, Amount = amount, Currency = Currency.EUR, Flags = flags };
}
