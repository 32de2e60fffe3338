using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// The ledger defects an outside review found, each replayed exactly: two store instances (two processes, each with
/// its own cache) on one database, writers stopped at chosen points with <see cref="GateFaults"/>. Every one of these
/// failed on the code before the fix; the interleaving explorer looks for more of their kind.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class LedgerRaceRegressionTests(CosmosFixture cosmos)
{
    private static readonly LedgerId Funding = LedgerId.FromName("funding");
    private static readonly LedgerId Wallet = LedgerId.FromName("wallet");
    private static readonly LedgerId Merchant = LedgerId.FromName("merchant");
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_creation_that_lost_the_race_never_resets_a_shard_that_took_credits()
    {
        var database = await SetUpAsync(fundWallet: 10_000, openMerchant: false);
        var gate = new GateFaults().At(LedgerStep.AccountAbsent, Merchant);
        var late = new CosmosLedgerStore(database, clock, gate);
        var first = new CosmosLedgerStore(database, clock);

        // B finds no account and stalls; A opens it and credits land on every shard; then B goes on.
        var lateCreation = late.CreateAccountAsync(new NewAccount(Merchant, Currency.EUR), creditShards: 4);
        await gate.ReachedAsync(LedgerStep.AccountAbsent, Merchant);
        Assert.Equal(CreateAccountResult.Ok, await first.CreateAccountAsync(new NewAccount(Merchant, Currency.EUR), creditShards: 4));
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(TransferResult.Ok, await first.CreateTransferAsync(Pay(LedgerId.FromName($"pay-{i}"), 100)));
        }

        gate.Release(LedgerStep.AccountAbsent, Merchant);
        Assert.Equal(CreateAccountResult.Exists, await lateCreation);

        Assert.Equal(1_200, (await first.GetAccountAsync(Merchant))!.Value.PostedMinor);
        Assert.True((await first.AuditAsync()).Balanced);
    }

    [Fact]
    public async Task A_sharded_account_whose_creation_died_before_its_shards_opens_them_when_credits_arrive()
    {
        var database = await SetUpAsync(fundWallet: 10_000, openMerchant: false);
        // What a creator that died right after its commit point leaves: the main document, no shard.
        var main = AccountDocument.Open(new NewAccount(Merchant, Currency.EUR), 0, 4, clock.GetUtcNow().UtcTicks);
        await database.GetContainer(LedgerContainers.Accounts).CreateItemAsync(main, new PartitionKey(main.Pk));
        var store = new CosmosLedgerStore(database, clock);

        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(Pay(LedgerId.FromName($"pay-{i}"), 100)));
        }

        Assert.Equal(CreateAccountResult.Exists, await new CosmosLedgerStore(database, clock).CreateAccountAsync(new NewAccount(Merchant, Currency.EUR), creditShards: 4));
        Assert.Equal(1_200, (await store.GetAccountAsync(Merchant))!.Value.PostedMinor);
        Assert.True((await store.AuditAsync()).Balanced);
    }

    [Fact]
    public async Task A_refusal_is_never_decided_on_another_process_stale_copy_of_the_account()
    {
        var database = await SetUpAsync(fundWallet: 0);
        var b = new CosmosLedgerStore(database, clock);
        var a = new CosmosLedgerStore(database, clock);

        // B learns the wallet while it is empty; the top-up goes through A.
        Assert.Equal(TransferResult.InsufficientFunds, await b.CreateTransferAsync(Pay(LedgerId.FromName("early"), 100)));
        Assert.Equal(TransferResult.Ok, await a.CreateTransferAsync(Fund(LedgerId.FromName("top-up"), 1_000)));

        Assert.Equal(TransferResult.Ok, await b.CreateTransferAsync(Pay(LedgerId.FromName("transfer"), 100)));
        Assert.Equal(TransferResult.Ok, await b.ChargeAsync(Pay(LedgerId.Reserved("charge"), 100), null));
        Assert.Equal(TransferResult.Ok, await b.CreateTransferAsync(Pay(LedgerId.FromName("hold"), 100) with { Flags = TransferFlags.Pending }));
        await b.SettleChargeAsync(Pay(LedgerId.Reserved("charge"), 100));

        var wallet = (await a.GetAccountAsync(Wallet))!.Value;
        Assert.Equal((800, 100), (wallet.PostedMinor, wallet.PendingOutMinor));
        Assert.True((await a.AuditAsync()).Balanced);
    }

    [Fact]
    public async Task A_hold_claimed_while_another_attempt_finds_it_due_is_released_exactly_once()
    {
        var database = await SetUpAsync(fundWallet: 1_000);
        var setup = new CosmosLedgerStore(database, clock);
        var hold = Pay(LedgerId.FromName("hold"), 600) with { Flags = TransferFlags.Pending, TimeoutSeconds = 60 };
        Assert.Equal(TransferResult.Ok, await setup.CreateTransferAsync(hold));
        var release = new Transfer { Id = LedgerId.FromName("release"), PendingId = hold.Id, Amount = Transfer.AmountOfPending, Flags = TransferFlags.VoidPending };
        var expiry = LedgerId.Reserved("expire:" + hold.Id);

        // X's clock says the hold is not due yet; Y's (another process, a minute later) says it is.
        var xGates = new GateFaults().At(LedgerStep.HoldRead, release.Id).At(LedgerStep.HoldClaimed, release.Id);
        var yGates = new GateFaults().At(LedgerStep.TransferRecorded, expiry);
        var xClock = new FakeTimeProvider(clock.GetUtcNow().AddSeconds(30));
        var yClock = new FakeTimeProvider(clock.GetUtcNow().AddSeconds(90));
        var x = new CosmosLedgerStore(database, xClock, xGates).CreateTransferAsync(release);
        await xGates.ReachedAsync(LedgerStep.HoldRead, release.Id);
        var y = new CosmosLedgerStore(database, yClock, yGates).CreateTransferAsync(release);
        await yGates.ReachedAsync(LedgerStep.TransferRecorded, expiry);
        xGates.Release(LedgerStep.HoldRead, release.Id);
        await xGates.ReachedAsync(LedgerStep.HoldClaimed, release.Id);
        yGates.Release(LedgerStep.TransferRecorded, expiry);
        await y;
        xGates.Release(LedgerStep.HoldClaimed, release.Id);
        var released = await x;

        var later = new CosmosLedgerStore(database, yClock);
        await later.ExpirePendingTransfersAsync();
        await later.RecoverAsync(TimeSpan.Zero);
        var wallet = (await later.GetAccountAsync(Wallet))!.Value;
        Assert.Equal((1_000, 0), (wallet.PostedMinor, wallet.PendingOutMinor));
        // Whatever the release answered is what became of the hold: voided by it, or expired before it.
        Assert.Equal(released == TransferResult.Ok ? PendingState.Voided : PendingState.Expired, (await later.GetTransferAsync(hold.Id))!.Value.State);
        Assert.Contains(released, new[] { TransferResult.Ok, TransferResult.PendingTransferExpired });
        Assert.True((await later.AuditAsync()).Balanced);
    }

    /// <summary>Found by the interleaving explorer (seed 48): a chain driver that was late recorded a link again after recovery had failed the chain and cleaned it up.</summary>
    [Fact]
    public async Task A_chain_failed_and_cleaned_up_while_its_first_driver_was_paused_leaves_no_link_in_flight()
    {
        var database = await SetUpAsync(fundWallet: 300);
        Transfer[] links =
        [
            Pay(LedgerId.FromName("link-0"), 100) with { Flags = TransferFlags.Linked },
            Pay(LedgerId.FromName("link-1"), 100) with { Flags = TransferFlags.Linked },
            Pay(LedgerId.FromName("link-2"), 500),
        ];
        var gate = new GateFaults().At(LedgerStep.LinkHeld, links[0].Id);
        var late = new CosmosLedgerStore(database, clock, gate).CreateTransfersAsync(links);
        await gate.ReachedAsync(LedgerStep.LinkHeld, links[0].Id);
        var recovery = new CosmosLedgerStore(database, clock);
        Assert.Equal(1, await recovery.RecoverAsync(TimeSpan.Zero));

        gate.Release(LedgerStep.LinkHeld, links[0].Id);
        Assert.Equal([TransferResult.LinkedEventFailed, TransferResult.LinkedEventFailed, TransferResult.InsufficientFunds], await late);

        Assert.Equal(0, await recovery.RecoverAsync(TimeSpan.Zero));
        foreach (var link in links)
        {
            Assert.Null(await recovery.GetTransferAsync(link.Id));
        }

        var wallet = (await recovery.GetAccountAsync(Wallet))!.Value;
        Assert.Equal((300, 0), (wallet.PostedMinor, wallet.PendingOutMinor));
        Assert.True((await recovery.AuditAsync()).Balanced);
    }

    /// <param name="openMerchant">False leaves the merchant's account for the test to open.</param>
    private async Task<Database> SetUpAsync(long fundWallet, bool openMerchant = true)
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(Funding, Currency.EUR, NormalBalance.Debit)));
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(Wallet, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits)));
        if (openMerchant)
        {
            Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(Merchant, Currency.EUR)));
        }

        if (fundWallet > 0)
        {
            Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(Fund(LedgerId.FromName("fund"), fundWallet)));
        }

        return database;
    }

    private static Transfer Fund(LedgerId id, long amount) =>
        new() { Id = id, DebitAccountId = Funding, CreditAccountId = Wallet, Amount = amount, Currency = Currency.EUR };

    private static Transfer Pay(LedgerId id, long amount) =>
        new() { Id = id, DebitAccountId = Wallet, CreditAccountId = Merchant, Amount = amount, Currency = Currency.EUR };
}
