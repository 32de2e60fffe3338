using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using static Pipeline.Application.Tests.Ledger.CosmosInterception;
using static Pipeline.Application.Tests.Ledger.ReviewLedger;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// Findings of the second adversarial review of the Cosmos ledger, each replayed exactly: several store instances
/// (processes with their own caches) on one database, writers stopped with <see cref="GateFaults"/> or, where the
/// product has no seam, between two Cosmos calls by a test handler on that process's own client
/// (<see cref="CosmosInterception"/>). Each test states what the ledger promises and fails on the code reviewed.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class ReviewFindingsTests(CosmosFixture cosmos)
{
    private static readonly ReviewLedger Books = new("review");
    private static readonly LedgerId Funding = Books.Funding;
    private static readonly LedgerId WalletA = Books.WalletA;
    private static readonly LedgerId WalletB = Books.WalletB;
    private static readonly LedgerId Merchant = Books.Merchant;
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Two charges from two wallets share one id (the case ARCHITECTURE.md "Charges" names: a key reused for another
    /// wallet while the first attempt's payment was unrecorded). Process 1 made A's charge and keeps it in memory
    /// (<c>madeHere</c>, keyed by the transfer id alone) because A's caller never completed it. B's charge is made on
    /// process 2; B's retry lands on process 1, meets its charge ("exists") and calls <c>CompleteCharge(B)</c> — which
    /// takes A's remembered record and credits it. Recovery had already given A's money back (A's memo lost its id),
    /// so the merchant is credited with money that is no longer debited anywhere, and B's own charge can never be
    /// credited (its credit entry id is taken by A's): B stays in flight for good and the audit never balances.
    /// </summary>
    [Fact]
    public async Task Completing_a_charge_never_credits_another_accounts_charge_that_shares_its_id()
    {
        var database = await SetUpAsync();
        var settings = new ChargeSettings(new MemoRecorder(kept: "B"), null, NullLogger.Instance);
        var id = LedgerId.Reserved("review:shared-charge");
        var a = Move(id, WalletA, Merchant, 100);
        var b = Move(id, WalletB, Merchant, 100);
        var gate = new GateFaults().At(LedgerStep.ChargeCredited, id);
        var process1 = new CosmosLedgerStore(database, clock, gate, settings);
        var process2 = new CosmosLedgerStore(database, clock, charges: settings);
        var recovery = new CosmosLedgerStore(database, clock, charges: settings);

        Assert.Equal(TransferResult.Ok, await process1.ChargeAsync(a, "A")); // A's caller stalls and never completes it
        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(TransferResult.Ok, await process2.ChargeAsync(b, "B")); // B's first attempt, on process 2
        Assert.Equal(TransferResult.Exists, await process1.ChargeAsync(b, "B")); // B's retry, on process 1, meets its charge

        // Recovery (charges older than 2 minutes: only A's) finds A's memo has lost its id and gives A's money back.
        Assert.Equal(1, await recovery.RecoverAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal(1_000, (await recovery.GetAccountAsync(WalletA))!.Value.PostedMinor);

        // B's retry completes B.
        process1.CompleteCharge(b);
        await gate.ReachedAsync(LedgerStep.ChargeCredited, id);
        gate.Release(LedgerStep.ChargeCredited, id);
        await recovery.RecoverAsync(TimeSpan.Zero); // whatever is still owed

        // B is credited once, A (given back) never; nothing is left in flight and the books balance.
        var audit = await recovery.AuditAsync();
        Assert.Equal((true, 0L), (audit.Balanced, (long)audit.Currencies[Currency.EUR].InFlightPosted));
        Assert.Equal((1_000L, 900L, 100L), ((await recovery.GetAccountAsync(WalletA))!.Value.PostedMinor,
            (await recovery.GetAccountAsync(WalletB))!.Value.PostedMinor, (await recovery.GetAccountAsync(Merchant))!.Value.PostedMinor));
        Assert.Equal(WalletB, (await recovery.GetTransferAsync(id))!.Value.DebitAccountId);
    }

    /// <summary>
    /// CloseAccountAsync closes a sharded account shard by shard (shards first, the main document last), re-checking
    /// each for pending totals. A hold that lands on a later shard after an earlier shard was closed makes the close
    /// answer <c>account_has_pending_transfers</c> — but the shards already closed stay closed while the main document
    /// says open. The account then refuses every credit whose id maps to a closed shard (credit_account_closed) while
    /// reading as open, and a charge whose credit maps there stays in flight for good. A refused close must change nothing.
    /// </summary>
    [Fact]
    public async Task A_close_refused_for_a_pending_transfer_leaves_every_shard_taking_credits()
    {
        var database = await SetUpAsync();
        var hot = LedgerId.FromName("review:hot");
        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(hot, Currency.EUR), creditShards: 4));

        // The closer's process stops right after its write that closed shard 1 (shards 2, 3 and the main not yet).
        var pause = new PauseAfterHandler(r => IsReplace(r, LedgerContainers.Accounts, AccountDocument.DocumentId, LedgerKeys.AccountPartition(hot, 1)));
        var closer = new CosmosLedgerStore(Through(cosmos, database, pause), clock);
        var closing = closer.CloseAccountAsync(hot);
        await pause.Reached;
        var hold = Move(IdOnShard("review:hold", 2), WalletA, hot, 100) with { Flags = TransferFlags.Pending };
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(hold));
        pause.Release();
        Assert.Equal(CloseAccountResult.AccountHasPendingTransfers, await closing);

        Assert.False((await store.GetAccountAsync(hot))!.Value.Closed);
        // The close was refused: the account takes credits as before, on every shard.
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(Move(IdOnShard("review:after-close", 1), WalletA, hot, 100)));
    }

    /// <summary>
    /// A chain fails and is cleaned up by recovery while its first driver is paused; the late driver then records a
    /// link's document again (ExecuteLinkAsync and the driver clean it up later). A standalone transfer that reuses that
    /// link's id meanwhile — allowed: links refused only because a sibling failed are not burnt — meets the re-created
    /// document, drives the chain's cleanup, which deletes it, and AnswerResubmissionAsync then reads the document again
    /// and dereferences null: the request throws NullReferenceException instead of being applied (or answered).
    /// </summary>
    [Fact]
    public async Task A_transfer_reusing_the_id_of_a_cleaned_up_link_that_a_late_driver_recorded_again_is_answered()
    {
        var database = await SetUpAsync();
        Transfer[] links =
        [
            Move(LedgerId.FromName("review:link-0"), WalletA, Merchant, 100) with { Flags = TransferFlags.Linked },
            Move(LedgerId.FromName("review:link-1"), WalletA, Merchant, 100) with { Flags = TransferFlags.Linked },
            Move(LedgerId.FromName("review:link-2"), WalletA, Merchant, 5_000),
        ];
        var gate = new GateFaults().At(LedgerStep.LinkHeld, links[0].Id);
        var recorded = new PauseAfterHandler(r => r.Method == HttpMethod.Post
            && r.RequestUri.OriginalString.EndsWith($"/colls/{LedgerContainers.Transfers}", StringComparison.Ordinal) && PartitionOf(r) == links[1].Id.ToString());
        var late = new CosmosLedgerStore(Through(cosmos, database, recorded), clock, gate).CreateTransfersAsync(links);
        await gate.ReachedAsync(LedgerStep.LinkHeld, links[0].Id);
        var recovery = new CosmosLedgerStore(database, clock);
        Assert.Equal(1, await recovery.RecoverAsync(TimeSpan.Zero)); // decides the chain failed and cleans it up
        gate.Release(LedgerStep.LinkHeld, links[0].Id);
        await recorded.Reached; // the late driver has recorded link 1 again

        var reuse = links[1] with { Flags = TransferFlags.None };
        var answer = await Record.ExceptionAsync(() => new CosmosLedgerStore(database, clock).CreateTransferAsync(reuse));
        recorded.Release();
        await late;
        Assert.Null(answer);
    }

    private Task<Database> SetUpAsync() => Books.SetUpAsync(cosmos, clock);

    /// <summary>An id named from <paramref name="prefix"/> whose credit goes to shard <paramref name="shard"/> of a 4-shard account.</summary>
    private static LedgerId IdOnShard(string prefix, int shard) => ReviewLedger.IdOnShard(prefix, shard, 4);

    /// <summary>Keeps the memos named (their ids still hold them); any other memo's id holds a different record.</summary>
    private sealed class MemoRecorder(params string[] kept) : IChargeRecorder
    {
        public Task<bool> RecordAsync(string memo, CancellationToken cancellationToken) => Task.FromResult(kept.Contains(memo));
    }
}
