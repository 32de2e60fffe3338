using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using static Pipeline.Application.Tests.Ledger.CosmosInterception;
using static Pipeline.Application.Tests.Ledger.ReviewLedger;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// Findings of the review of "Second review round two", each replayed exactly: several store instances (processes
/// with their own caches) on one database, writers stopped with <see cref="GateFaults"/> or between two Cosmos calls
/// by a test handler on that process's own client (<see cref="CosmosInterception"/>).
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class ThirdReviewFindingsTests(CosmosFixture cosmos)
{
    private static readonly ReviewLedger Books = new("review3");
    private static readonly LedgerId Funding = Books.Funding;
    private static readonly LedgerId WalletA = Books.WalletA;
    private static readonly LedgerId WalletB = Books.WalletB;
    private static readonly LedgerId Merchant = Books.Merchant;
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// A driver of a close attempt that was undone meanwhile goes on closing shards, and takes over shards that a newer
    /// attempt closed (the shard predicate ignores whose mark is there). Account with shards 0..2, a hold on shard 2.
    /// Closer A begins attempt A, closes shard 1 and stops. Closer C meets A, drives it, finds the hold on shard 2 and
    /// undoes A (main cleared, shard 1 reopened); C's own attempt is refused the same way. The hold is voided. Closer B
    /// begins attempt B, closes shards 1 and 2 (marked B) and stops before its decision. A goes on: shard 2 is marked B,
    /// not A, holds nothing pending, so A marks it A; A's decision loses (the main document names B) and A "undoes
    /// itself" — it reopens shard 2, now marked A. B then commits: the account is closed with shard 2 open. A process
    /// whose cached main document is from before the close (any process that wrote to the account) credits shard 2 of
    /// the closed account — or places a hold there, leaving a closed account with something pending.
    /// </summary>
    [Fact]
    public async Task A_superseded_close_attempt_never_reopens_a_shard_of_the_close_that_commits()
    {
        var database = await SetUpAsync();
        var hot = LedgerId.FromName("review3:hot-superseded");
        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(hot, Currency.EUR), creditShards: 3));
        var hold = Move(IdOnShard("review3:hold", 2), WalletA, hot, 100) with { Flags = TransferFlags.Pending };
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(hold)); // the store caches the main document (open)

        var gateA = new GateFaults().At(LedgerStep.ShardClosed, hot);
        var closingA = new CosmosLedgerStore(database, clock, gateA).CloseAccountAsync(hot);
        await gateA.ReachedAsync(LedgerStep.ShardClosed, hot); // attempt A closed shard 1
        // C drives A, meets the hold on shard 2 and undoes A; its own attempt is refused the same way.
        Assert.Equal(CloseAccountResult.AccountHasPendingTransfers, await new CosmosLedgerStore(database, clock).CloseAccountAsync(hot));
        var release = new Transfer { Id = LedgerId.FromName("review3:void"), PendingId = hold.Id, Amount = Transfer.AmountOfPending, Flags = TransferFlags.VoidPending };
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(release));

        var closedShard2 = new PauseAfterHandler(r => IsReplace(r, LedgerContainers.Accounts, AccountDocument.DocumentId, LedgerKeys.AccountPartition(hot, 2)));
        var closingB = new CosmosLedgerStore(Through(cosmos, database, closedShard2), clock).CloseAccountAsync(hot);
        await closedShard2.Reached; // attempt B closed shards 1 and 2; not decided yet
        gateA.Release(LedgerStep.ShardClosed, hot);
        await closingA; // A marks shard 2 as its own, loses the decision, and reopens shard 2
        closedShard2.Release();
        var closedB = await closingB;

        var closed = (await new CosmosLedgerStore(database, clock).GetAccountAsync(hot))!.Value.Closed;
        // The account is closed: a credit is refused, whichever shard it maps to and whatever the writer had cached.
        var credit = await store.CreateTransferAsync(Move(IdOnShard("review3:after-close", 2), WalletA, hot, 100));
        Assert.Equal((CloseAccountResult.Ok, true, TransferResult.CreditAccountClosed), (closedB, closed, credit));
    }

    /// <summary>
    /// The same stale driver, when its process dies right after closing a shard: attempt A is undone (here by closer C,
    /// which met a hold on shard 2), the hold is voided, then A's driver goes on, closes shard 2 (marked A) and dies
    /// before its decision. The main document carries no attempt (A was undone), so no caller undoes it and recovery,
    /// which looks only for attempts on main documents, finds nothing: the account is open, but shard 2 is closed for
    /// good and every credit whose id maps to it is refused credit_account_closed (and fenced: the id is burnt).
    /// ARCHITECTURE.md rule 7: a close either closes every partition or, in the end, none.
    /// </summary>
    [Fact]
    public async Task A_close_undone_while_a_driver_runs_leaves_no_shard_closed_on_the_open_account()
    {
        var database = await SetUpAsync();
        var hot = LedgerId.FromName("review3:hot-stale-driver");
        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(hot, Currency.EUR), creditShards: 3));
        var hold = Move(IdOnShard("review3:hold-2", 2), WalletA, hot, 100) with { Flags = TransferFlags.Pending };
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(hold));

        var gateA = new GateFaults().At(LedgerStep.ShardClosed, hot);
        // A's process dies right after its write closing shard 2 (its request is answered, then nothing more runs).
        var dies = new PauseAfterHandler(r => IsReplace(r, LedgerContainers.Accounts, AccountDocument.DocumentId, LedgerKeys.AccountPartition(hot, 2)));
        _ = new CosmosLedgerStore(Through(cosmos, database, dies), clock, gateA).CloseAccountAsync(hot);
        try
        {
            await gateA.ReachedAsync(LedgerStep.ShardClosed, hot); // attempt A closed shard 1
            Assert.Equal(CloseAccountResult.AccountHasPendingTransfers, await new CosmosLedgerStore(database, clock).CloseAccountAsync(hot)); // undoes A
            var release = new Transfer { Id = LedgerId.FromName("review3:void-2"), PendingId = hold.Id, Amount = Transfer.AmountOfPending, Flags = TransferFlags.VoidPending };
            Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(release));
            gateA.Release(LedgerStep.ShardClosed, hot);
            await dies.Reached; // A's driver closed shard 2 for its undone attempt, and died
            clock.Advance(TimeSpan.FromHours(1));
            await new CosmosLedgerStore(database, clock).RecoverAsync(TimeSpan.Zero);

            var fresh = new CosmosLedgerStore(database, clock);
            var closed = (await fresh.GetAccountAsync(hot))!.Value.Closed;
            // The account is open: it takes credits on every shard.
            var credit = await fresh.CreateTransferAsync(Move(IdOnShard("review3:after-undo", 2), WalletA, hot, 100));
            Assert.Equal((false, TransferResult.Ok), (closed, credit));
        }
        finally
        {
            dies.Release();
        }
    }

    /// <summary>
    /// A chain that yields (YieldsToAsync) is decided failed for good. Chain P = [Y, W] (later in the ordinal order) has
    /// recorded and held Y and stands before W. Chain Q = [Y, Z] (earlier) meets P's Y, P is in flight and later, so Q
    /// fails at Y with "exists" — the documented difference, "without burning the id". P then fails (W exceeds the
    /// wallet) and frees Y. Q's client retries the very same batch: the chain document (its id depends on the link ids
    /// only) is found failed and its decision replayed — [exists, linked_event_failed] — though Y does not exist and
    /// no id of Q is burnt; it is answered so for every retry, for ever. The core, which never yields, applies Q
    /// ([ok, ok]) once P has failed; so does the Cosmos store for the same links under any other chain composition.
    /// </summary>
    [Fact]
    public async Task A_chain_that_yielded_is_applied_when_retried_after_the_other_chain_failed()
    {
        var database = await SetUpAsync();
        var y = LedgerId.FromName("review3:shared-y");
        var (p, q) = Enumerable.Range(0, 1_000)
            .Select(i => (
                P: new[] { Move(y, WalletA, Merchant, 100) with { Flags = TransferFlags.Linked }, Move(LedgerId.FromName($"review3:w:{i}"), WalletA, Merchant, 5_000) },
                Q: new[] { Move(y, WalletA, Merchant, 100) with { Flags = TransferFlags.Linked }, Move(LedgerId.FromName($"review3:z:{i}"), WalletB, Merchant, 100) }))
            .First(c => string.CompareOrdinal(ChainIdOf(c.P), ChainIdOf(c.Q)) > 0); // P is later than Q: Q yields to P
        var gate = new GateFaults().At(LedgerStep.LinkHeld, y);
        var chainP = new CosmosLedgerStore(database, clock, gate).CreateTransfersAsync(p);
        await gate.ReachedAsync(LedgerStep.LinkHeld, y); // P recorded and held Y

        var store = new CosmosLedgerStore(database, clock);
        var first = await store.CreateTransfersAsync(q);
        Assert.Equal([TransferResult.Exists, TransferResult.LinkedEventFailed], first); // the documented difference
        gate.Release(LedgerStep.LinkHeld, y);
        Assert.Equal([TransferResult.LinkedEventFailed, TransferResult.InsufficientFunds], await chainP); // Y is free again

        var retried = await store.CreateTransfersAsync(q);
        var yStored = await store.GetTransferAsync(y) is not null;
        Assert.Equal(("Ok,Ok", true), (string.Join(",", retried), yStored));
    }

    /// <summary>
    /// The shard left closed by a dead driver of an undone attempt (as above) does not block a later close either: the
    /// close finds the mark stale (the main document names neither that attempt nor a close), opens the shard and
    /// closes it for its own attempt, and the account ends closed in every partition.
    /// </summary>
    [Fact]
    public async Task A_later_close_opens_a_shard_left_closed_by_an_attempt_that_is_over_and_closes_the_account()
    {
        var database = await SetUpAsync();
        var hot = LedgerId.FromName("review3:hot-stale-mark");
        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(hot, Currency.EUR), creditShards: 3));
        var hold = Move(IdOnShard("review3:hold-3", 2), WalletA, hot, 100) with { Flags = TransferFlags.Pending };
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(hold));

        var gateA = new GateFaults().At(LedgerStep.ShardClosed, hot);
        var dies = new PauseAfterHandler(r => IsReplace(r, LedgerContainers.Accounts, AccountDocument.DocumentId, LedgerKeys.AccountPartition(hot, 2)));
        _ = new CosmosLedgerStore(Through(cosmos, database, dies), clock, gateA).CloseAccountAsync(hot);
        try
        {
            await gateA.ReachedAsync(LedgerStep.ShardClosed, hot);
            Assert.Equal(CloseAccountResult.AccountHasPendingTransfers, await new CosmosLedgerStore(database, clock).CloseAccountAsync(hot));
            var release = new Transfer { Id = LedgerId.FromName("review3:void-3"), PendingId = hold.Id, Amount = Transfer.AmountOfPending, Flags = TransferFlags.VoidPending };
            Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(release));
            gateA.Release(LedgerStep.ShardClosed, hot);
            await dies.Reached; // shard 2 carries the mark of attempt A, which is over

            var closer = new CosmosLedgerStore(database, clock);
            var closedNow = await closer.CloseAccountAsync(hot);
            var shards = await Task.WhenAll(Enumerable.Range(0, 3).Select(k =>
                database.GetContainer(LedgerContainers.Accounts).ReadItemAsync<AccountDocument>(AccountDocument.DocumentId, new PartitionKey(LedgerKeys.AccountPartition(hot, k)))));
            Assert.Equal((CloseAccountResult.Ok, "True,True,True"), (closedNow, string.Join(",", shards.Select(r => r.Resource.Closed))));
        }
        finally
        {
            dies.Release();
        }
    }

    private static string ChainIdOf(Transfer[] links) => LedgerKeys.ChainId(links, 0);

    private Task<Database> SetUpAsync() => Books.SetUpAsync(cosmos, clock);

    /// <summary>An id named from <paramref name="prefix"/> whose credit goes to shard <paramref name="shard"/> of a 3-shard account.</summary>
    private static LedgerId IdOnShard(string prefix, int shard) => ReviewLedger.IdOnShard(prefix, shard, 3);
}
