using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using static Pipeline.Application.Tests.Ledger.ReviewLedger;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// Findings of the review of "Fourth review" (links judged in the core's order with invalid links owned, closes that
/// start again, chain runs), each replayed exactly against the emulator and compared with the core
/// (<see cref="Pipeline.Domain.Ledgers.Ledger"/>) on the same requests.
/// The charge and expiry findings (4 and 5) were fixed at the root in the sixth round: the system's own transfers
/// take reserved ids (<see cref="LedgerId.IsReserved"/>) that no transfer request may use.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class FifthReviewFindingsTests(CosmosFixture cosmos)
{
    private static readonly ReviewLedger Books = new("review5");
    private static readonly LedgerId Funding = Books.Funding;
    private static readonly LedgerId WalletA = Books.WalletA;
    private static readonly LedgerId WalletB = Books.WalletB;
    private static readonly LedgerId Merchant = Books.Merchant;
    /// <summary>How often the client retries while the chain it yields to is dead (the old cap on runs).</summary>
    private const int RetriesWhileDead = 16;

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// The core never burns a zero id (Ledger.RecordFailure skips id_must_not_be_zero): a chain with a zero-id link is
    /// answered [linked_event_failed, id_must_not_be_zero] however often it is submitted. The Cosmos store answers the
    /// first submission so (RecordLinkAsync refuses the zero id first), and stores the chain run failed with
    /// id_must_not_be_zero. The same batch submitted again finds that run (created = false); BurnsId does not list
    /// id_must_not_be_zero among the failures that decide no id, so ApplyChainAsync neither runs the chain again nor
    /// replays the code: Answers turns it into id_already_failed — for an id that is zero, which nothing can have
    /// failed before. No interleaving needed: two sequential submissions of the same batch.
    /// </summary>
    [Fact]
    public async Task A_chain_with_a_zero_link_id_submitted_again_is_answered_as_in_the_core()
    {
        var database = await SetUpAsync();
        Transfer[] chain =
        [
            Move(LedgerId.FromName("review5:before-zero"), WalletA, Merchant, 100) with { Flags = TransferFlags.Linked },
            Move(default, WalletA, Merchant, 100),
        ];

        var core = Core();
        var coreFirst = core.CreateTransfers(chain);
        var coreAgain = core.CreateTransfers(chain);
        Assert.Equal("LinkedEventFailed,IdMustNotBeZero|LinkedEventFailed,IdMustNotBeZero", $"{string.Join(",", coreFirst)}|{string.Join(",", coreAgain)}");

        var first = await new CosmosLedgerStore(database, clock).CreateTransfersAsync(chain);
        var again = await new CosmosLedgerStore(database, clock).CreateTransfersAsync(chain);
        Assert.Equal($"{string.Join(",", coreFirst)}|{string.Join(",", coreAgain)}", $"{string.Join(",", first)}|{string.Join(",", again)}");
    }

    /// <summary>
    /// A chain whose last link (no linked flag) is a transfer that already exists, field for field: the core answers
    /// that link "exists" (Ledger.Apply: an existing id is compared with what it holds), [ok, exists]. The Cosmos chain
    /// meets the stored transfer in RecordLinkAsync, whose AnswerResubmissionAsync says Exists, and turns it into Ok
    /// ("success with no effect", not owned); Answers then gives Ok for every link of a chain this call created, so the
    /// caller is told [ok, ok]: that it moved the money of the last link now, where the core says it was moved before.
    /// No interleaving needed.
    /// </summary>
    [Fact]
    public async Task A_chain_link_that_exists_already_is_answered_exists_as_in_the_core()
    {
        var database = await SetUpAsync();
        var existing = Move(LedgerId.FromName("review5:existing-last"), WalletA, Merchant, 100);
        Transfer[] chain =
        [
            Move(LedgerId.FromName("review5:before-existing"), WalletA, Merchant, 100) with { Flags = TransferFlags.Linked },
            existing,
        ];

        var core = Core();
        Assert.Equal(TransferResult.Ok, core.CreateTransfer(existing));
        var coreResults = core.CreateTransfers(chain);
        Assert.Equal([TransferResult.Ok, TransferResult.Exists], coreResults);

        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(existing));
        Assert.Equal(coreResults, await new CosmosLedgerStore(database, clock).CreateTransfersAsync(chain));
    }

    /// <summary>
    /// A chain's document is named from its link ids only (ChainId), so a batch with the same ids but other fields finds
    /// the run of the earlier batch and, when that run failed at a link whose failure burns its id, is answered from it
    /// (Answers: created = false, id_already_failed at the stored failed link) without being judged. Batch 1 =
    /// [A 100 linked, B 5 000]: B exceeds the wallet, the chain fails at B and B is burnt, in both ledgers. Batch 2 =
    /// [A 5 000 linked, B 100], same ids: the core judges it afresh (A was rolled back, never stored) and refuses A for
    /// the wallet's funds — [insufficient_funds, linked_event_failed] — burning A, so a later transfer A of 100 answers
    /// id_already_failed. The Cosmos store answers batch 2 [linked_event_failed, id_already_failed] (the decision of
    /// batch 1), burns nothing, and then applies the later transfer A (Ok, 100 moved) where the core refuses it.
    /// No interleaving needed: three sequential requests.
    /// </summary>
    [Fact]
    public async Task A_chain_with_the_same_ids_but_other_fields_is_judged_not_answered_from_the_earlier_chain()
    {
        var database = await SetUpAsync();
        var a = LedgerId.FromName("review5:refields-a");
        var b = LedgerId.FromName("review5:refields-b");
        Transfer[] first = [Move(a, WalletA, Merchant, 100) with { Flags = TransferFlags.Linked }, Move(b, WalletA, Merchant, 5_000)];
        Transfer[] second = [Move(a, WalletA, Merchant, 5_000) with { Flags = TransferFlags.Linked }, Move(b, WalletA, Merchant, 100)];
        var later = Move(a, WalletA, Merchant, 100);

        var core = Core();
        var coreAnswers = $"{string.Join(",", core.CreateTransfers(first))}|{string.Join(",", core.CreateTransfers(second))}|{core.CreateTransfer(later)}";
        Assert.Equal("LinkedEventFailed,InsufficientFunds|InsufficientFunds,LinkedEventFailed|IdAlreadyFailed", coreAnswers);

        var store = new CosmosLedgerStore(database, clock);
        var answers = $"{string.Join(",", await store.CreateTransfersAsync(first))}|{string.Join(",", await store.CreateTransfersAsync(second))}|{await store.CreateTransferAsync(later)}";
        Assert.Equal(coreAnswers, answers);
    }

    /// <summary>
    /// The Cosmos store expires a hold through a transfer it names itself, FromName("expire:" + hold) (ExpireHoldAsync),
    /// in the same id space as the clients' transfers — and LedgerId.FromName is a public SHA-256, so a client can
    /// submit that id. Hold H (100, timeout 60 s) is placed; transfer E (1, wallet B to merchant) with id
    /// FromName("expire:" + H) is applied. Two minutes later the sweep's create of the expiry meets E, reads it as the
    /// expiry, "drives" it (applied: Ok) and counts H as expired; H stays pending for good, its 100 held on the wallet.
    /// Posting H then loops in ClaimHoldAsync: H is due, so it calls ExpireHoldAsync (which again finds E and does
    /// nothing) and reads H again, ConcurrencyAttemptsMax times, then throws LedgerContentionException — on every try.
    /// The core (no expiry transfer) expires H: nothing is pending and the post answers pending_transfer_expired.
    /// </summary>
    [Fact]
    public async Task A_hold_expires_even_when_a_transfer_took_the_id_of_its_expiry()
    {
        var database = await SetUpAsync();
        var hold = Move(LedgerId.FromName("review5:expiring-hold"), WalletA, Merchant, 100) with { Flags = TransferFlags.Pending, TimeoutSeconds = 60 };
        var squatter = Move(LedgerId.FromName("expire:" + hold.Id), WalletB, Merchant, 1);
        var post = new Transfer { Id = LedgerId.FromName("review5:post-expired"), PendingId = hold.Id, Amount = Transfer.AmountOfPending, Flags = TransferFlags.PostPending };

        var coreClock = new FakeTimeProvider(clock.GetUtcNow());
        var core = Core(coreClock);
        Assert.Equal(TransferResult.Ok, core.CreateTransfer(hold));
        Assert.Equal(TransferResult.Ok, core.CreateTransfer(squatter));
        coreClock.Advance(TimeSpan.FromMinutes(2));
        core.ExpirePendingTransfers();
        var corePost = core.CreateTransfer(post);
        Assert.True(core.TryGetAccount(WalletA, out var coreWallet));
        Assert.Equal((0L, TransferResult.PendingTransferExpired), (coreWallet.DebitsPending, corePost));

        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(hold));
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(squatter));
        clock.Advance(TimeSpan.FromMinutes(2));
        await new CosmosLedgerStore(database, clock).ExpirePendingTransfersAsync();
        var pending = (await store.GetAccountAsync(WalletA))!.Value.DebitsPending;
        string posted;
        try
        {
            posted = (await new CosmosLedgerStore(database, clock).CreateTransferAsync(post)).ToString();
        }
        catch (LedgerContentionException e)
        {
            posted = e.GetType().Name;
        }

        Assert.Equal((0L, corePost.ToString()), (pending, posted));
    }

    /// <summary>
    /// A transfer that reuses a charge's id takes the charge's credit for its own, and the money it debits is lost.
    /// Charge X (wallet A to merchant, 100) is made; its completer credits the merchant (entry "e:X" on the merchant,
    /// counterparty wallet A) and stops at ChargeCredited, before it writes X's transfer document. Transfer X (wallet B
    /// to merchant, 100) is submitted: its create finds no document X, so it runs — wallet B is debited (no "e:X" there),
    /// its credit meets the charge's "e:X" on the merchant and ApplySideAsync answers AlreadyApplied without looking at
    /// whose entry it is (the counterparty check exists only for charges, in CreditOneAsync), and the transfer completes
    /// Ok. The completer goes on: its document X conflicts (ignored) and the record is deleted. Wallets A and B each gave
    /// 100, the merchant got 100: AuditAsync is unbalanced by 100 with nothing in flight. The core answers the transfer
    /// exists_with_different_debit_account_id and moves nothing.
    /// </summary>
    [Fact]
    public async Task A_transfer_reusing_a_charge_id_never_takes_the_charge_credit_for_its_own()
    {
        var database = await SetUpAsync();
        var charge = Move(LedgerId.Reserved("review5:charge-x"), WalletA, Merchant, 100);
        var transfer = Move(charge.Id, WalletB, Merchant, 100);

        var core = Core();
        Assert.Equal(TransferResult.Ok, core.CreateReservedTransfer(charge));
        var coreTransfer = core.CreateTransfer(transfer);
        Assert.Equal(TransferResult.IdIsReserved, coreTransfer);

        Assert.Equal(TransferResult.Ok, await new CosmosLedgerStore(database, clock).ChargeAsync(charge, null));
        var gate = new GateFaults().At(LedgerStep.ChargeCredited, charge.Id);
        var settling = new CosmosLedgerStore(database, clock, gate).SettleChargeAsync(charge);
        await gate.ReachedAsync(LedgerStep.ChargeCredited, charge.Id); // the merchant holds the charge's "e:X"; no document X yet
        var answer = await new CosmosLedgerStore(database, clock).CreateTransferAsync(transfer);
        gate.Release(LedgerStep.ChargeCredited, charge.Id);
        await settling;

        var audit = await new CosmosLedgerStore(database, clock).AuditAsync();
        Assert.Equal((coreTransfer, true), (answer, audit.Balanced));
    }

    /// <summary>
    /// A chain that yields to a chain whose process died is answered "exists" for good once it has been retried
    /// (then) ChainRunsMax = 16 times, though the id it met is freed later and the core applies it. Chain P = [Y linked, W 5 000]
    /// records and holds Y, then its process dies (CrashFaults at LinkHeld): P stays in flight until recovery. Chain
    /// Q = [Y linked, Z] is chosen so that all 16 of its run ids are earlier than P's: every run meets P's Y, P is in
    /// flight and later, so every run yields and fails "exists" (non-burning) — the documented difference, and each
    /// retry of the client runs again, as change 3 intends. The client retries 16 times within the grace period.
    /// Recovery then drives P: W exceeds the wallet, P fails and Y is deleted (free). Q's next retry finds run 15
    /// failed, run + 1 == ChainRunsMax, and replays [exists, linked_event_failed] — and so for every retry, for ever,
    /// though Y does not exist and no id of Q is burnt. The core (P failed, then Q) applies Q: [ok, ok].
    /// </summary>
    [Fact]
    public async Task A_chain_that_yielded_to_a_dead_chain_is_applied_once_that_chain_is_recovered()
    {
        var database = await SetUpAsync();
        var y = LedgerId.FromName("review5:shared-y");
        Transfer[] q = [Move(y, WalletA, Merchant, 100) with { Flags = TransferFlags.Linked }, Move(LedgerId.FromName("review5:z"), WalletB, Merchant, 100)];
        var latestRunOfQ = Enumerable.Range(0, RetriesWhileDead).Select(run => ChainIdOf(q, run)).Max(StringComparer.Ordinal)!;
        var p = Enumerable.Range(0, 10_000)
            .Select(i => new[] { Move(y, WalletA, Merchant, 100) with { Flags = TransferFlags.Linked }, Move(LedgerId.FromName($"review5:w:{i}"), WalletA, Merchant, 5_000) })
            .First(c => string.CompareOrdinal(ChainIdOf(c, 0), latestRunOfQ) > 0); // every run of Q yields to P

        var crash = new CrashFaults(LedgerStep.LinkHeld, y);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => new CosmosLedgerStore(database, clock, crash).CreateTransfersAsync(p)); // P holds Y, its process is gone

        var client = new CosmosLedgerStore(database, clock);
        for (var retry = 0; retry < RetriesWhileDead; retry++)
        {
            Assert.Equal([TransferResult.Exists, TransferResult.LinkedEventFailed], await client.CreateTransfersAsync(q)); // yields to P, each run
        }

        clock.Advance(TimeSpan.FromMinutes(10));
        await new CosmosLedgerStore(database, clock).RecoverAsync(TimeSpan.FromMinutes(2)); // P fails at W; Y is free
        Assert.Null(await client.GetTransferAsync(y));

        var core = Core();
        Assert.Equal([TransferResult.LinkedEventFailed, TransferResult.InsufficientFunds], core.CreateTransfers(p));
        var coreQ = core.CreateTransfers(q);
        Assert.Equal([TransferResult.Ok, TransferResult.Ok], coreQ);

        var retried = await client.CreateTransfersAsync(q);
        Assert.Equal((string.Join(",", coreQ), true), (string.Join(",", retried), await client.GetTransferAsync(y) is not null));
    }

    /// <summary>
    /// Two closes of one account are both answered Ok. Account with shards 0..1, nothing pending. Closer A begins
    /// attempt a, closes shard 1 and stops (GateFaults at ShardClosed) just before its decision. Past the grace period
    /// recovery undoes a (main cleared, shard 1 opened). Closer B begins attempt b, closes shard 1 and commits: Ok.
    /// A goes on to its decision: the main document no longer names a, so nothing is written, but DriveCloseAsync
    /// reads "committed is not null || decided.Closed" — the account is closed, by b — and answers Ok, as if a had
    /// closed it. The core answers one close Ok and the other account_already_closed, whatever the order; the store
    /// itself answers so when a closer meets an account that is closed at its start.
    /// </summary>
    [Fact]
    public async Task Of_two_closes_of_one_account_only_one_is_answered_ok()
    {
        var database = await SetUpAsync();
        var hot = LedgerId.FromName("review5:hot-two-closes");
        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(hot, Currency.EUR), creditShards: 2));

        var gate = new GateFaults().At(LedgerStep.ShardClosed, hot);
        var closingA = new CosmosLedgerStore(database, clock, gate).CloseAccountAsync(hot);
        await gate.ReachedAsync(LedgerStep.ShardClosed, hot); // attempt a closed shard 1, its decision is next
        clock.Advance(TimeSpan.FromHours(1));
        await new CosmosLedgerStore(database, clock).RecoverAsync(TimeSpan.FromMinutes(2)); // undoes a
        var closedB = await new CosmosLedgerStore(database, clock).CloseAccountAsync(hot);
        gate.Release(LedgerStep.ShardClosed, hot);
        var closedA = await closingA;

        Assert.Equal(CloseAccountResult.Ok, closedB);
        Assert.Equal(CloseAccountResult.AccountAlreadyClosed, closedA);
    }

    private Pipeline.Domain.Ledgers.Ledger Core(TimeProvider? time = null) => Books.Core(time ?? clock);

    private Task<Database> SetUpAsync() => Books.SetUpAsync(cosmos, clock);

    /// <summary>The id of run <paramref name="run"/> of the chain of these links, as CosmosLedgerStore names it.</summary>
    private static string ChainIdOf(Transfer[] links, int run) => LedgerKeys.ChainId(links, run);
}
