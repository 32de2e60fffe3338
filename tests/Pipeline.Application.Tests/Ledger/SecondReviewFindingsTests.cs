using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using static Pipeline.Application.Tests.Ledger.CosmosInterception;
using static Pipeline.Application.Tests.Ledger.ReviewLedger;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// Findings of the review of the "Second review fixes" commit, each replayed exactly: several store instances
/// (processes with their own caches) on one database, writers stopped with <see cref="GateFaults"/> or between two
/// Cosmos calls by a test handler on that process's own client (<see cref="CosmosInterception"/>).
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class SecondReviewFindingsTests(CosmosFixture cosmos)
{
    private static readonly ReviewLedger Books = new("review2");
    private static readonly LedgerId Funding = Books.Funding;
    private static readonly LedgerId WalletA = Books.WalletA;
    private static readonly LedgerId WalletB = Books.WalletB;
    private static readonly LedgerId Merchant = Books.Merchant;
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// A chain fails and recovery cleans it up while its first driver D is paused; D then records link X again, loses
    /// the decision and cleans the chain again (ReleaseChainAsync): it reads X's document as its own, and later deletes
    /// it by id with no If-Match. In between, a standalone transfer T reusing X's id (allowed: X failed only because of
    /// a sibling) meets D's re-recorded link, cleans the chain (deleting it), finds the id freed and — the fix — creates
    /// T again, and T is applied. D's late delete then removes T's applied document. The id is free once more: a second
    /// transfer with the same id and debit account but another credit account meets T's debit entry ("already
    /// applied"), credits its own account and is applied — a credit with no debit: money created.
    /// </summary>
    [Fact]
    public async Task A_late_chain_cleanup_never_deletes_the_transfer_that_took_a_freed_link_id()
    {
        var database = await SetUpAsync();
        Transfer[] links =
        [
            Move(LedgerId.FromName("review2:link-0"), WalletA, Merchant, 100) with { Flags = TransferFlags.Linked },
            Move(LedgerId.FromName("review2:link-1"), WalletA, Merchant, 100) with { Flags = TransferFlags.Linked },
            Move(LedgerId.FromName("review2:link-2"), WalletA, Merchant, 5_000),
        ];
        var x = links[1].Id;
        var gate = new GateFaults().At(LedgerStep.LinkHeld, links[0].Id);
        // D's process stops right after its cleanup has read link X's document (its first read of that document).
        var readX = new PauseAfterHandler(r => r.Method == HttpMethod.Get
            && r.RequestUri.OriginalString.EndsWith($"/colls/{LedgerContainers.Transfers}/docs/{x}", StringComparison.Ordinal));
        var late = new CosmosLedgerStore(Through(cosmos, database, readX), clock, gate).CreateTransfersAsync(links);
        await gate.ReachedAsync(LedgerStep.LinkHeld, links[0].Id);
        var recovery = new CosmosLedgerStore(database, clock);
        Assert.Equal(1, await recovery.RecoverAsync(TimeSpan.Zero)); // decides the chain failed and cleans it up
        gate.Release(LedgerStep.LinkHeld, links[0].Id);
        await readX.Reached; // D recorded X again, lost the decision, and its cleanup has read X as its own

        var other = new CosmosLedgerStore(database, clock);
        var t = links[1] with { Flags = TransferFlags.None };
        Assert.Equal(TransferResult.Ok, await other.CreateTransferAsync(t)); // cleans the chain, creates T again, applies it
        readX.Release();
        await late;

        var standing = await other.GetTransferAsync(x) is not null; // T's applied document
        // A transfer reusing T's id from the same wallet to another account must be answered "exists with different
        // fields", never applied: its debit is T's.
        var reused = await other.CreateTransferAsync(Move(x, WalletA, WalletB, 100));
        var audit = await other.AuditAsync();
        var (a, b) = ((await other.GetAccountAsync(WalletA))!.Value, (await other.GetAccountAsync(WalletB))!.Value);
        Assert.Equal((true, TransferResult.ExistsWithDifferentCreditAccountId, true, 900L, 1_000L),
            (standing, reused, audit.Balanced, a.PostedMinor, b.PostedMinor));
    }

    /// <summary>
    /// Two closes of one 4-shard account overlap. Closer A closes shard 1; closer B reads shard 1 closed and skips it
    /// (as "closed by another closer"). A then meets a hold on shard 2, is refused, and reopens shard 1 — the main document
    /// is still open, so it leaves it open. The hold is voided; B closes shards 2, 3 and the main document and answers Ok.
    /// The account reads closed, but shard 1 is open: any process whose cached main document predates the close (every
    /// process that wrote to this hot account) has its credits on shard 1 applied to the closed account.
    /// </summary>
    [Fact]
    public async Task A_close_that_succeeds_leaves_no_shard_open_when_another_close_was_refused_meanwhile()
    {
        var database = await SetUpAsync();
        var hot = LedgerId.FromName("review2:hot");
        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(hot, Currency.EUR), creditShards: 4));
        var hold = Move(IdOnShard("review2:hold", 2), WalletA, hot, 100) with { Flags = TransferFlags.Pending };
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(hold)); // the store caches the main document (open)

        var closedShard1 = new PauseAfterHandler(r => IsReplace(r, LedgerContainers.Accounts, AccountDocument.DocumentId, LedgerKeys.AccountPartition(hot, 1)));
        var closingA = new CosmosLedgerStore(Through(cosmos, database, closedShard1), clock).CloseAccountAsync(hot);
        await closedShard1.Reached; // A closed shard 1
        var readShard1 = new PauseAfterHandler(r => r.Method == HttpMethod.Get
            && r.RequestUri.OriginalString.EndsWith($"/colls/{LedgerContainers.Accounts}/docs/{AccountDocument.DocumentId}", StringComparison.Ordinal)
            && PartitionOf(r) == LedgerKeys.AccountPartition(hot, 1));
        var closingB = new CosmosLedgerStore(Through(cosmos, database, readShard1), clock).CloseAccountAsync(hot);
        await readShard1.Reached; // B read shard 1 closed (by A)
        closedShard1.Release();
        Assert.Equal(CloseAccountResult.AccountHasPendingTransfers, await closingA); // refused at shard 2; reopened shard 1
        var release = new Transfer { Id = LedgerId.FromName("review2:void"), PendingId = hold.Id, Amount = Transfer.AmountOfPending, Flags = TransferFlags.VoidPending };
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(release));
        readShard1.Release();
        Assert.Equal(CloseAccountResult.Ok, await closingB);

        Assert.True((await new CosmosLedgerStore(database, clock).GetAccountAsync(hot))!.Value.Closed);
        // The account is closed: a credit is refused, whichever shard it maps to and whatever the writer had cached.
        Assert.Equal(TransferResult.CreditAccountClosed, await store.CreateTransferAsync(Move(IdOnShard("review2:after-close", 1), WalletA, hot, 100)));
    }

    /// <summary>
    /// A close that fails half-way for any reason other than a pending transfer — a Cosmos error on shard 2, a
    /// <see cref="LedgerContentionException"/> on a busy shard, the process dying — leaves shard 1 closed and the main
    /// document open: nothing reopens it (the reopening runs only on the "pending" refusal) and no recovery pass looks at
    /// closes. The account reads open, but every credit whose id maps to shard 1 is refused credit_account_closed, for
    /// good (and a charge's credit there stays in flight). ARCHITECTURE.md rule 7: what fails half-way is undone or finished.
    /// </summary>
    [Fact]
    public async Task A_close_that_fails_half_way_leaves_every_shard_taking_credits()
    {
        var database = await SetUpAsync();
        var hot = LedgerId.FromName("review2:hot-failing");
        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(hot, Currency.EUR), creditShards: 4));

        var failing = new FailHandler(r => IsReplace(r, LedgerContainers.Accounts, AccountDocument.DocumentId, LedgerKeys.AccountPartition(hot, 2)));
        var closing = new CosmosLedgerStore(Through(cosmos, database, failing), clock).CloseAccountAsync(hot);
        Assert.NotNull(await Record.ExceptionAsync(() => closing)); // the close did not happen (the caller is told so)
        await new CosmosLedgerStore(database, clock).RecoverAsync(TimeSpan.Zero);

        var fresh = new CosmosLedgerStore(database, clock);
        Assert.False((await fresh.GetAccountAsync(hot))!.Value.Closed);
        // The account is open: it takes credits on every shard.
        Assert.Equal(TransferResult.Ok, await fresh.CreateTransferAsync(Move(IdOnShard("review2:after-failed-close", 1), WalletA, hot, 100)));
    }

    /// <summary>
    /// Two chains share two link ids in opposite orders, C1 = [X, Y] and C2 = [Y, X], and each has recorded and held its
    /// first link when the other reaches its second. RecordLinkAsync meets the other chain's link and answers it as a
    /// resubmission (AnswerResubmissionAsync), which drives that link's chain to its end first — which records its own
    /// second link, meets the first chain's link, drives the first chain, and so on: the drivers recurse into each
    /// other for ever, and neither chain is ever decided. Its holds stay on the wallet, and recovery (which drives the
    /// links in flight) enters the same loop, so its pass never ends. Here each process's client stops the run after
    /// 3,000 Cosmos requests (a chain takes a few dozen); the core decides one chain applied and the other failed.
    /// </summary>
    [Fact]
    public async Task Two_chains_that_share_link_ids_in_opposite_orders_are_both_decided()
    {
        var database = await SetUpAsync();
        var x = LedgerId.FromName("review2:cross-x");
        var y = LedgerId.FromName("review2:cross-y");
        Transfer[] first = [Move(x, WalletA, Merchant, 100) with { Flags = TransferFlags.Linked }, Move(y, WalletA, Merchant, 100)];
        Transfer[] second = [Move(y, WalletA, Merchant, 100) with { Flags = TransferFlags.Linked }, Move(x, WalletA, Merchant, 100)];
        var gate1 = new GateFaults().At(LedgerStep.LinkHeld, x);
        var gate2 = new GateFaults().At(LedgerStep.LinkHeld, y);
        var chain1 = new CosmosLedgerStore(Through(cosmos, database, new RunawayHandler(3_000)), clock, gate1).CreateTransfersAsync(first);
        await gate1.ReachedAsync(LedgerStep.LinkHeld, x); // C1 recorded and held X
        var chain2 = new CosmosLedgerStore(Through(cosmos, database, new RunawayHandler(3_000)), clock, gate2).CreateTransfersAsync(second);
        await gate2.ReachedAsync(LedgerStep.LinkHeld, y); // C2 recorded and held Y
        gate1.Release(LedgerStep.LinkHeld, x);
        gate2.Release(LedgerStep.LinkHeld, y);

        var failures = (await Record.ExceptionAsync(() => chain1), await Record.ExceptionAsync(() => chain2));
        Assert.Equal((null, null), failures);
        var applied = new[] { await chain1, await chain2 }.Count(r => r.All(a => a == TransferResult.Ok));
        Assert.Equal(1, applied);
    }

    /// <summary>
    /// A chain whose two links share one id: RecordLinkAsync takes the second link's conflict for "the chain's own
    /// document" (ChainId matches) and places its hold under the entry id of the first link's hold. On the wallet that
    /// entry exists ("already applied"), on the second link's other credit account it does not: a pending credit of 100
    /// appears on wallet B with no debit behind it. The chain commits, posts the first link, skips the second (its
    /// document is applied), and answers Ok twice. The core answers the duplicate exists_with_different_flags
    /// and applies nothing; here B keeps a pending credit for ever and the audit's pending totals no longer balance.
    /// </summary>
    [Fact]
    public async Task A_chain_that_repeats_a_link_id_is_answered_as_the_core_answers_it()
    {
        var database = await SetUpAsync();
        var x = LedgerId.FromName("review2:twice");
        Transfer[] chain = [Move(x, WalletA, Merchant, 100) with { Flags = TransferFlags.Linked }, Move(x, WalletA, WalletB, 100)];
        var core = new Pipeline.Application.Ledger.InMemoryLedgerStore(clock);
        foreach (var account in new[] { new NewAccount(Funding, Currency.EUR, NormalBalance.Debit), new NewAccount(WalletA, Currency.EUR), new NewAccount(WalletB, Currency.EUR), new NewAccount(Merchant, Currency.EUR) })
        {
            await core.CreateAccountAsync(account);
        }

        await core.CreateTransferAsync(Move(LedgerId.FromName("fund:a"), Funding, WalletA, 1_000));
        var expected = await core.CreateTransfersAsync(chain);

        var store = new CosmosLedgerStore(database, clock);
        var results = await store.CreateTransfersAsync(chain);
        var audit = await store.AuditAsync();
        Assert.Equal((string.Join(",", expected), true, 0L), (string.Join(",", results), audit.Balanced, (await store.GetAccountAsync(WalletB))!.Value.CreditsPending));
    }

    private Task<Database> SetUpAsync() => Books.SetUpAsync(cosmos, clock);

    /// <summary>An id named from <paramref name="prefix"/> whose credit goes to shard <paramref name="shard"/> of a 4-shard account.</summary>
    private static LedgerId IdOnShard(string prefix, int shard) => ReviewLedger.IdOnShard(prefix, shard, 4);

    /// <summary>Answers every request <paramref name="matches"/> with a 500 (a Cosmos error) without sending it.</summary>
    private sealed class FailHandler(Func<RequestMessage, bool> matches) : RequestHandler
    {
        public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken) =>
            matches(request)
                ? Task.FromResult(new ResponseMessage(System.Net.HttpStatusCode.InternalServerError, request, "injected"))
                : base.SendAsync(request, cancellationToken);
    }

    /// <summary>Lets requests through until <paramref name="max"/> of them, then fails every one: a run that never ends is stopped.</summary>
    private sealed class RunawayHandler(int max) : RequestHandler
    {
        private int sent;

        public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref sent) > max
                ? throw new InvalidOperationException($"Runaway: more than {max} Cosmos requests from one chain's driver.")
                : base.SendAsync(request, cancellationToken);
    }
}
