using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using static Pipeline.Application.Tests.Ledger.ReviewLedger;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// Findings of the review of "Third review" (attempt-marked closes, stale close marks, chain runs), each replayed
/// exactly against the emulator, and where it helps compared with the core (<see cref="Pipeline.Domain.Ledgers.Ledger"/>) on the same requests.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class FourthReviewFindingsTests(CosmosFixture cosmos)
{
    private static readonly ReviewLedger Books = new("review4");
    private static readonly LedgerId Funding = Books.Funding;
    private static readonly LedgerId WalletA = Books.WalletA;
    private static readonly LedgerId WalletB = Books.WalletB;
    private static readonly LedgerId Merchant = Books.Merchant;
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// A link of a chain refused for its own fields (here amount 0: amount_must_be_positive) burns its id in the core
    /// (Ledger.RecordFailure: every refusal but id_must_not_be_zero, id_already_failed and exists_with_different_*), and
    /// ARCHITECTURE.md says "an id is decided once ... a retry never turns yesterday's decline into today's charge".
    /// The Cosmos chain refuses such a link in RecordLinkAsync before creating its transfer document (Own = false), so
    /// ReleaseChainAsync, which marks failed only documents the chain owns, never records the failure: nothing stores
    /// the decision. The chain answers [linked_event_failed, amount_must_be_positive] as the core does, but afterwards
    /// GetFailureAsync(B) is null and a transfer with B's id and valid fields is applied (Ok, money moved) where the
    /// core answers id_already_failed. (A standalone transfer refused for its fields is recorded failed: only links escape.)
    /// </summary>
    [Fact]
    public async Task A_link_refused_for_its_own_fields_burns_its_id_as_in_the_core()
    {
        var database = await SetUpAsync();
        var b = LedgerId.FromName("review4:invalid-link");
        Transfer[] chain =
        [
            Move(LedgerId.FromName("review4:valid-link"), WalletA, Merchant, 100) with { Flags = TransferFlags.Linked },
            Move(b, WalletA, Merchant, 0),
        ];
        var retry = Move(b, WalletA, Merchant, 100); // the same id again, now with valid fields

        var core = new Pipeline.Domain.Ledgers.Ledger(clock);
        core.CreateAccount(new NewAccount(Funding, Currency.EUR, NormalBalance.Debit));
        core.CreateAccount(new NewAccount(WalletA, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits));
        core.CreateAccount(new NewAccount(Merchant, Currency.EUR));
        core.CreateTransfer(Move(LedgerId.FromName($"fund:{WalletA}"), Funding, WalletA, 1_000));
        var coreChain = core.CreateTransfers(chain);
        var coreRetry = core.CreateTransfer(retry);
        Assert.Equal((TransferResult.LinkedEventFailed, TransferResult.AmountMustBePositive, TransferResult.IdAlreadyFailed), (coreChain[0], coreChain[1], coreRetry));

        var store = new CosmosLedgerStore(database, clock);
        var results = await store.CreateTransfersAsync(chain);
        Assert.Equal([TransferResult.LinkedEventFailed, TransferResult.AmountMustBePositive], results);
        var failure = await store.GetFailureAsync(b);
        var retried = await new CosmosLedgerStore(database, clock).CreateTransferAsync(retry);
        Assert.Equal(((TransferResult?)TransferResult.AmountMustBePositive, TransferResult.IdAlreadyFailed), (failure, retried));
    }

    /// <summary>
    /// The core refuses a transfer whose id is zero (id_must_not_be_zero), in a chain as anywhere: the chain fails and
    /// nothing moves. CreateTransferAsync and ChargeAsync check the zero id; ApplyChainAsync does not, nor does
    /// RecordLinkAsync (Validate checks the fields, not the id): the link's transfer document is created under the
    /// zero id, its hold placed and posted, and the chain answers [ok, ok] with 100 moved from the wallet, where the
    /// core answers [linked_event_failed, id_must_not_be_zero] and moves nothing. No interleaving needed.
    /// </summary>
    [Fact]
    public async Task A_chain_with_a_zero_link_id_is_refused_as_in_the_core()
    {
        var database = await SetUpAsync();
        Transfer[] chain =
        [
            Move(LedgerId.FromName("review4:before-zero"), WalletA, Merchant, 100) with { Flags = TransferFlags.Linked },
            Move(default, WalletA, Merchant, 100),
        ];
        Assert.True(chain[1].Id.IsZero);

        var core = new Pipeline.Domain.Ledgers.Ledger(clock);
        core.CreateAccount(new NewAccount(Funding, Currency.EUR, NormalBalance.Debit));
        core.CreateAccount(new NewAccount(WalletA, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits));
        core.CreateAccount(new NewAccount(Merchant, Currency.EUR));
        core.CreateTransfer(Move(LedgerId.FromName($"fund:{WalletA}"), Funding, WalletA, 1_000));
        Assert.Equal([TransferResult.LinkedEventFailed, TransferResult.IdMustNotBeZero], core.CreateTransfers(chain));

        var store = new CosmosLedgerStore(database, clock);
        var results = await store.CreateTransfersAsync(chain);
        var wallet = (await new CosmosLedgerStore(database, clock).GetAccountAsync(WalletA))!.Value;
        Assert.Equal(("LinkedEventFailed,IdMustNotBeZero", 0L), (string.Join(",", results), wallet.DebitsPosted + wallet.DebitsPending));
    }

    /// <summary>
    /// The core judges an id before the fields (Ledger.Apply: an existing id is compared with what it holds; a burnt id
    /// answers id_already_failed), and so does CreateTransferAsync (its create meets the stored id first). A chain link
    /// is judged the other way round: RecordLinkAsync validates the fields before it looks at the id. Transfer B is
    /// applied (100); a chain then repeats B's id with amount 0: the core answers exists_with_different_amount for it
    /// (the id is taken, not burnt), the Cosmos chain answers amount_must_be_positive — a different decision for the
    /// same request, and one the core would burn the id for.
    /// </summary>
    [Fact]
    public async Task A_link_reusing_an_existing_id_is_judged_by_its_id_before_its_fields()
    {
        var database = await SetUpAsync();
        var b = Move(LedgerId.FromName("review4:existing"), WalletA, Merchant, 100);
        Transfer[] chain =
        [
            Move(LedgerId.FromName("review4:before-existing"), WalletA, Merchant, 100) with { Flags = TransferFlags.Linked },
            b with { Amount = 0 },
        ];

        var core = new Pipeline.Domain.Ledgers.Ledger(clock);
        core.CreateAccount(new NewAccount(Funding, Currency.EUR, NormalBalance.Debit));
        core.CreateAccount(new NewAccount(WalletA, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits));
        core.CreateAccount(new NewAccount(Merchant, Currency.EUR));
        core.CreateTransfer(Move(LedgerId.FromName($"fund:{WalletA}"), Funding, WalletA, 1_000));
        Assert.Equal(TransferResult.Ok, core.CreateTransfer(b));
        Assert.Equal([TransferResult.LinkedEventFailed, TransferResult.ExistsWithDifferentAmount], core.CreateTransfers(chain));

        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(b));
        Assert.Equal([TransferResult.LinkedEventFailed, TransferResult.ExistsWithDifferentAmount], await store.CreateTransfersAsync(chain));
    }

    /// <summary>
    /// A close that is slow (past the grace period) is undone by recovery while its caller still drives it, and the
    /// caller then answers account_has_pending_transfers for an account that holds nothing pending at any point.
    /// Account with shards 0..2, no hold anywhere. Closer A begins its attempt, closes shard 1 and stops (GateFaults at
    /// ShardClosed). An hour later recovery undoes the attempt (main cleared, shard 1 opened). A goes on: shard 2 is
    /// open, A closes it (a stale mark), its decision loses (the main document no longer names A) and
    /// DecidedOrUndoneAsync undoes the attempt and, the account not being closed, answers AccountHasPendingTransfers.
    /// The core answers Ok (or already_closed) for a close of an account without holds; "post or void them first" is an
    /// answer the caller cannot act on, and the account stays open though nothing stood in the way.
    /// </summary>
    [Fact]
    public async Task A_close_undone_by_recovery_is_not_answered_as_if_something_were_pending()
    {
        var database = await SetUpAsync();
        var hot = LedgerId.FromName("review4:hot-slow-close");
        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(hot, Currency.EUR), creditShards: 3));
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(Move(IdOnShard("review4:credit", 2), WalletA, hot, 100))); // posted, nothing pending

        var gate = new GateFaults().At(LedgerStep.ShardClosed, hot);
        var closing = new CosmosLedgerStore(database, clock, gate).CloseAccountAsync(hot);
        await gate.ReachedAsync(LedgerStep.ShardClosed, hot); // attempt A closed shard 1
        clock.Advance(TimeSpan.FromHours(1));
        await new CosmosLedgerStore(database, clock).RecoverAsync(TimeSpan.FromMinutes(2)); // undoes A: older than the grace period
        gate.Release(LedgerStep.ShardClosed, hot);
        var answer = await closing;

        var account = (await new CosmosLedgerStore(database, clock).GetAccountAsync(hot))!.Value;
        Assert.False(account.HasPending);
        Assert.NotEqual(CloseAccountResult.AccountHasPendingTransfers, answer);
    }

    private Task<Database> SetUpAsync() => Books.SetUpAsync(cosmos, clock);

    /// <summary>An id named from <paramref name="prefix"/> whose credit goes to shard <paramref name="shard"/> of a 3-shard account.</summary>
    private static LedgerId IdOnShard(string prefix, int shard) => ReviewLedger.IdOnShard(prefix, shard, 3);
}
