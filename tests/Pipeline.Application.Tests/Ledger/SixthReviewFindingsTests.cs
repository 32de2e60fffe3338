using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using static Pipeline.Application.Tests.Ledger.ReviewLedger;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// Findings of the review of "Fifth review" (a side checks the kind, other account and amount of an entry found with
/// its id; a charge's record replaces a transfer's exists_with_different_* failure), each replayed exactly against the
/// emulator and compared with the core (<see cref="Pipeline.Domain.Ledgers.Ledger"/>) on the same requests.
/// Findings 1–5 and 7 came from the system's own transfers (a charge in flight, an expiry) taking ids that transfer
/// requests could also take; they were fixed at the root by reserving those ids (<see cref="LedgerId.IsReserved"/>):
/// the charge ids below are reserved as payments' are, and each test shows the request refused id_is_reserved, as the
/// core refuses it, with nothing moved. Finding 6 went with the entry checks it was about.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class SixthReviewFindingsTests(CosmosFixture cosmos)
{
    private static readonly ReviewLedger Books = new("review6");
    private static readonly LedgerId Funding = Books.Funding;
    private static readonly LedgerId WalletA = Books.WalletA;
    private static readonly LedgerId WalletB = Books.WalletB;
    private static readonly LedgerId Merchant = Books.Merchant;

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// A transfer that reuses the id of a charge in flight, with the same accounts and amount but another field (here
    /// its code), rides on the charge's debit, and when the charge is later given back as an orphan, money is created.
    /// Charge X (wallet A to merchant, 100, memo M) is debited — entry "e:X" on wallet A, kind transfer, counterparty
    /// merchant, 100 — and its caller goes away before completing it. Transfer X (wallet A to merchant, 100, code 7) is
    /// submitted: no document X exists yet (a charge is recorded by id only when it completes), so it runs; its debit
    /// meets the charge's "e:X", and Existing compares only kind, other account and amount — all equal — so it answers
    /// AlreadyApplied; the credit is applied on the merchant and X completes: Ok. The core answers the transfer
    /// exists_with_different_code (charge X is a transfer there) and moves nothing. Then M's id turns out to hold another
    /// request (the recorder answers false), and RecoverAsync reverses the charge as an orphan ("nobody has credited
    /// it") with "r:X" on wallet A: wallet A is back at 1 000, the merchant keeps the 100 transfer X credited.
    /// AuditAsync: debits and credits differ by 100 with nothing in flight.
    /// </summary>
    [Fact]
    public async Task A_transfer_differing_from_a_charge_in_flight_only_in_its_code_never_rides_on_the_charge_debit()
    {
        var memos = new Memos("review6:memo-taken");
        var database = await SetUpAsync();
        var charge = Move(LedgerId.Reserved("review6:charge-code"), WalletA, Merchant, 100);
        var transfer = charge with { Code = 7 };

        var core = Core();
        Assert.Equal(TransferResult.Ok, core.CreateReservedTransfer(charge));
        var coreTransfer = core.CreateTransfer(transfer);
        Assert.NotEqual(TransferResult.Ok, coreTransfer);

        Assert.Equal(TransferResult.Ok, await new CosmosLedgerStore(database, clock, charges: Settings(memos)).ChargeAsync(charge, "review6:memo-taken")); // its caller goes away
        var answer = await new CosmosLedgerStore(database, clock, charges: Settings(memos)).CreateTransferAsync(transfer);
        clock.Advance(TimeSpan.FromMinutes(10));
        await new CosmosLedgerStore(database, clock, charges: Settings(memos)).RecoverAsync(TimeSpan.FromMinutes(2)); // the charge is an orphan: reversed

        var audit = await new CosmosLedgerStore(database, clock, charges: Settings(memos)).AuditAsync();
        Assert.Equal((coreTransfer, true), (answer, audit.Balanced));
    }

    /// <summary>
    /// A post that reuses the id of a charge in flight claims the hold and then never finishes: the hold is stuck for
    /// good. Hold H (wallet A to merchant, 100, pending) is applied. Charge X (wallet A to merchant, 50) is debited —
    /// "e:X" on wallet A, kind transfer — and not yet completed, so no document X exists. Post P with id X for H is
    /// submitted: its document is created, it claims H (H: posted, resolved by X), commits, and applies its debit side
    /// "e:X" (kind post) on wallet A, which meets the charge's entry: Existing answers Refused
    /// (exists_with_different_flags, the kinds differ), and ApplyResolutionAsync throws InvalidOperationException —
    /// X stays committing with H claimed. The charge then completes (its record cannot replace X: not failed). Every
    /// recovery drives X again and throws again; a void V of H reads H claimed by X, which is committing, so the
    /// claim is final and V is refused pending_transfer_already_posted; wallet A keeps 100 pending for ever. The core
    /// answers the post exists_with_different_flags (X is the charge there), leaves H pending, and voids it: Ok.
    /// </summary>
    [Fact]
    public async Task A_post_reusing_the_id_of_a_charge_in_flight_is_refused_and_leaves_the_hold_to_be_voided()
    {
        var memos = new Memos(null);
        var database = await SetUpAsync();
        var hold = Move(LedgerId.FromName("review6:hold"), WalletA, Merchant, 100) with { Flags = TransferFlags.Pending };
        var charge = Move(LedgerId.Reserved("review6:charge-post"), WalletA, Merchant, 50);
        var post = new Transfer { Id = charge.Id, PendingId = hold.Id, Amount = Transfer.AmountOfPending, Flags = TransferFlags.PostPending };
        var voiding = new Transfer { Id = LedgerId.FromName("review6:void"), PendingId = hold.Id, Amount = Transfer.AmountOfPending, Flags = TransferFlags.VoidPending };

        var core = Core();
        Assert.Equal(TransferResult.Ok, core.CreateTransfer(hold));
        Assert.Equal(TransferResult.Ok, core.CreateReservedTransfer(charge));
        var corePost = core.CreateTransfer(post);
        var coreVoid = core.CreateTransfer(voiding);
        Assert.True(core.TryGetAccount(WalletA, out var coreWallet));
        var coreAnswers = $"{corePost}|{coreVoid}|{coreWallet.DebitsPending}";
        Assert.Equal($"{TransferResult.IdIsReserved}|{TransferResult.Ok}|0", coreAnswers);

        var store = new CosmosLedgerStore(database, clock, charges: Settings(memos));
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(hold));
        Assert.Equal(TransferResult.Ok, await new CosmosLedgerStore(database, clock, charges: Settings(memos)).ChargeAsync(charge, null)); // not completed yet
        var posted = await AnswerAsync(() => new CosmosLedgerStore(database, clock, charges: Settings(memos)).CreateTransferAsync(post));
        await new CosmosLedgerStore(database, clock, charges: Settings(memos)).SettleChargeAsync(charge);
        clock.Advance(TimeSpan.FromMinutes(10));
        await AnswerAsync(async () => { await new CosmosLedgerStore(database, clock, charges: Settings(memos)).RecoverAsync(TimeSpan.FromMinutes(2)); return TransferResult.Ok; });
        var voided = await AnswerAsync(() => new CosmosLedgerStore(database, clock, charges: Settings(memos)).CreateTransferAsync(voiding));
        var pending = (await new CosmosLedgerStore(database, clock).GetAccountAsync(WalletA))!.Value.DebitsPending;

        Assert.Equal((corePost.ToString(), coreVoid.ToString(), coreWallet.DebitsPending), (posted, voided, pending));
    }

    /// <summary>
    /// A transfer that reuses the id of a charge in flight from another debit account is applied whole when it gets
    /// to the credit first, and the charge is then stuck in flight for good. Charge X (wallet A to merchant, 100) is
    /// debited — "e:X" on wallet A — and not completed yet (no document X, no credit). Transfer X (wallet B to merchant,
    /// 100) is submitted: its create finds no document X, its debit "e:X" on wallet B meets nothing, its credit "e:X" on
    /// the merchant meets nothing: both applied, Ok. The charge is then settled: its credit meets the transfer's "e:X"
    /// on the merchant (counterparty wallet B), Existing refuses it (exists_with_different_debit_account_id) and
    /// CreditOneAsync throws: the charge stays in flight, and every recovery fails on it again. Wallet A's 100 never
    /// reaches the merchant. The core (charge X is a transfer there) answers transfer X exists_with_different_debit_account_id,
    /// moves nothing, and has nothing in flight. The commit's promise ("a charge's id taken while it was in flight is
    /// refused to the transfer") holds only when the transfer meets the charge's entries, which it need not.
    /// </summary>
    [Fact]
    public async Task A_transfer_from_another_account_reusing_the_id_of_a_charge_in_flight_leaves_the_charge_stuck()
    {
        var memos = new Memos(null);
        var database = await SetUpAsync();
        var charge = Move(LedgerId.Reserved("review6:charge-first-credit"), WalletA, Merchant, 100);
        var transfer = Move(charge.Id, WalletB, Merchant, 100);

        var core = Core();
        Assert.Equal(TransferResult.Ok, core.CreateReservedTransfer(charge));
        var coreTransfer = core.CreateTransfer(transfer);
        Assert.Equal(TransferResult.IdIsReserved, coreTransfer);

        Assert.Equal(TransferResult.Ok, await new CosmosLedgerStore(database, clock, charges: Settings(memos)).ChargeAsync(charge, null)); // not completed yet
        var answer = await new CosmosLedgerStore(database, clock, charges: Settings(memos)).CreateTransferAsync(transfer);
        await AnswerAsync(async () => { await new CosmosLedgerStore(database, clock, charges: Settings(memos)).SettleChargeAsync(charge); return TransferResult.Ok; });
        clock.Advance(TimeSpan.FromMinutes(10));
        await AnswerAsync(async () => { await new CosmosLedgerStore(database, clock, charges: Settings(memos)).RecoverAsync(TimeSpan.FromMinutes(2)); return TransferResult.Ok; });

        var audit = (await new CosmosLedgerStore(database, clock).AuditAsync()).Currencies[Currency.EUR];
        Assert.Equal((coreTransfer, 0L), (answer, (long)audit.InFlightPosted));
    }

    /// <summary>
    /// The charge's record replaces a transfer's failure while a slower driver of that transfer is still on its way,
    /// and that driver then answers Ok for a transfer that moved nothing. Charge X (wallet A to merchant, 100) is
    /// debited, not completed. Transfer X (wallet A to merchant, 50) is submitted by process 1, which records document
    /// X (in flight) and stops (GateFaults at TransferRecorded). The client retries on process 2: the create conflicts,
    /// AnswerResubmissionAsync drives X — its debit meets the charge's "e:X" on wallet A, refused
    /// exists_with_different_amount — and X is failed so. The charge is settled: RecordOrReplaceAsync finds X failed
    /// with exists_with_different_* and replaces it with the charge's applied document. Process 1 goes on: its debit is
    /// refused the same way, FailAsync's swap loses (its copy of X is stale), and it follows "the decision" —
    /// ExecuteAsync of the stored X, now the charge, applied — answering Ok. The core answers
    /// exists_with_different_amount to every submission of that transfer, and it moved nothing.
    /// </summary>
    [Fact]
    public async Task A_transfer_refused_for_a_charge_id_is_never_answered_ok_after_the_charge_replaced_its_failure()
    {
        var memos = new Memos(null);
        var database = await SetUpAsync();
        var charge = Move(LedgerId.Reserved("review6:charge-replaced"), WalletA, Merchant, 100);
        var transfer = Move(charge.Id, WalletA, Merchant, 50);

        var core = Core();
        Assert.Equal(TransferResult.Ok, core.CreateReservedTransfer(charge));
        var coreTransfer = core.CreateTransfer(transfer);
        Assert.Equal(TransferResult.IdIsReserved, coreTransfer);

        Assert.Equal(TransferResult.Ok, await new CosmosLedgerStore(database, clock, charges: Settings(memos)).ChargeAsync(charge, null)); // not completed yet
        // Since the charge's id is reserved, the transfer is refused before it records anything: no slow driver exists.
        var answer = await new CosmosLedgerStore(database, clock, charges: Settings(memos)).CreateTransferAsync(transfer);
        await new CosmosLedgerStore(database, clock, charges: Settings(memos)).SettleChargeAsync(charge);
        var again = await new CosmosLedgerStore(database, clock, charges: Settings(memos)).CreateTransferAsync(transfer);

        Assert.Equal((coreTransfer, coreTransfer, true), (answer, again, (await new CosmosLedgerStore(database, clock).AuditAsync()).Balanced));
    }

    /// <summary>
    /// A chain whose link reuses the id of a charge in flight (same accounts and amount) moves that money a second time.
    /// Charge X (wallet A to merchant, 100) is debited, not completed (no document X). Chain [X (the charge's fields),
    /// linked; Y (wallet B to merchant, 50)] is submitted: RecordLinkAsync creates document X (no conflict) and owns it,
    /// and the link's holds use the chain's own entry ids ("h"/"p"), so they never meet the charge's "e:X": the chain
    /// posts X and Y, answered [ok, ok], and wallet A is debited 100 for X. The charge then completes (its credit "e:X"
    /// on the merchant meets nothing; its document conflicts with the chain's applied X and is left). Wallet A has given
    /// 200 for one id X. The core (charge X is a transfer there) refuses the chain at X — [exists_with_different_flags,
    /// linked_event_failed]: the link carries the linked flag, the charge does not — and wallet A gives 100.
    /// </summary>
    [Fact]
    public async Task A_chain_link_with_the_id_of_a_charge_in_flight_never_moves_its_money_twice()
    {
        var memos = new Memos(null);
        var database = await SetUpAsync();
        var charge = Move(LedgerId.Reserved("review6:charge-in-chain"), WalletA, Merchant, 100);
        Transfer[] chain = [charge with { Flags = TransferFlags.Linked }, Move(LedgerId.FromName("review6:chain-y"), WalletB, Merchant, 50)];

        var core = Core();
        Assert.Equal(TransferResult.Ok, core.CreateReservedTransfer(charge));
        var coreChain = core.CreateTransfers(chain);
        Assert.True(core.TryGetAccount(WalletA, out var coreWallet));
        var coreAnswers = $"{string.Join(",", coreChain)}|{coreWallet.DebitsPosted}";
        Assert.Equal($"{TransferResult.IdIsReserved},{TransferResult.LinkedEventFailed}|100", coreAnswers);

        Assert.Equal(TransferResult.Ok, await new CosmosLedgerStore(database, clock, charges: Settings(memos)).ChargeAsync(charge, null)); // not completed yet
        var results = await new CosmosLedgerStore(database, clock, charges: Settings(memos)).CreateTransfersAsync(chain);
        await AnswerAsync(async () => { await new CosmosLedgerStore(database, clock, charges: Settings(memos)).SettleChargeAsync(charge); return TransferResult.Ok; });
        var wallet = (await new CosmosLedgerStore(database, clock).GetAccountAsync(WalletA))!.Value;

        Assert.Equal(coreAnswers, $"{string.Join(",", results)}|{wallet.DebitsPosted}");
    }

    /// <summary>
    /// A transfer whose debit was written by the version before this change (entries of ordinary transfers carried no
    /// counterparty) and whose process died is recovered by this version — a rolling deploy, or recovery after one —
    /// and its money is lost. Transfer X (wallet A to merchant, 100) is recorded and debited by an old process, which
    /// dies right after (CrashFaults at DebitApplied; the entry "e:X" on wallet A is then as the old version wrote it:
    /// no counterparty). Recovery drives X: its debit side meets its own "e:X", Existing compares the counterparty
    /// (null) with the merchant, answers Refused (exists_with_different_credit_account_id), and ExecuteNewAsync fails X
    /// with no reversal — the debit was applied. Wallet A is 100 short, the merchant got nothing, X reads failed, and
    /// AuditAsync is unbalanced by 100 with nothing in flight. The core (and the old version) applies X: Ok.
    /// </summary>
    [Fact]
    public async Task A_transfer_debited_before_the_upgrade_is_recovered_not_failed_with_its_debit_kept()
    {
        var database = await SetUpAsync();
        var transfer = Move(LedgerId.FromName("review6:debited-before-upgrade"), WalletA, Merchant, 100);

        var old = new CosmosLedgerStore(database, clock, new CrashFaults(LedgerStep.DebitApplied, transfer.Id));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => old.CreateTransferAsync(transfer));
        await AsWrittenBeforeTheUpgradeAsync(database, LedgerKeys.AccountPartition(WalletA, 0), LedgerKeys.EntryId(transfer.Id));

        clock.Advance(TimeSpan.FromMinutes(10));
        var recovery = new CosmosLedgerStore(database, clock);
        await recovery.RecoverAsync(TimeSpan.FromMinutes(2));

        var stored = await recovery.GetTransferAsync(transfer.Id);
        var audit = await recovery.AuditAsync();
        Assert.Equal((true, true), (stored is not null, audit.Balanced));
    }

    /// <summary>The entry as the version before the change wrote it for an ordinary transfer: without a counterparty.</summary>
    private static async Task AsWrittenBeforeTheUpgradeAsync(Database database, string partition, string entryId)
    {
        var accounts = database.GetContainer(LedgerContainers.Accounts);
        using var read = await accounts.ReadItemStreamAsync(entryId, new PartitionKey(partition));
        Assert.True(read.IsSuccessStatusCode);
        var entry = System.Text.Json.Nodes.JsonNode.Parse(read.Content)!.AsObject();
        entry.Remove("counterparty"); // (entries of ordinary transfers carry none again since the reserved ids)
        using var content = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(entry.ToJsonString()));
        using var replaced = await accounts.ReplaceItemStreamAsync(content, entryId, new PartitionKey(partition));
        Assert.True(replaced.IsSuccessStatusCode);
    }

    /// <summary>
    /// The walk of expiry names is bounded, and the names are public: a client who takes all of them makes a hold
    /// unexpirable, as one squatter did before the fifth review. Hold H (wallet A to merchant, 100, timeout 60 s) is
    /// placed; eight transfers of 1 (wallet B to merchant) take the ids FromName("expire:" + H) and
    /// FromName("expire:" + H + "#1") ... "#7" (then LedgerLimits.ExpiryNamesMax = 8; FromName is a public SHA-256). Two
    /// minutes later the sweep's ExpireHoldAsync finds every name taken by a client's transfer, walks them
    /// ExpiryNamesMax * (FreedIdAttemptsMax + 1) times and throws LedgerContentionException: H stays pending. Posting
    /// H then meets a due hold in ClaimHoldAsync, calls ExpireHoldAsync, which throws again — on every try — and wallet
    /// A keeps 100 pending for good. The core expires H: nothing pending, the post answers pending_transfer_expired.
    /// (Chain documents got a namespace of their own, "chain-"; expiries still share the clients' id space.)
    /// </summary>
    [Fact]
    public async Task A_hold_expires_even_when_transfers_took_every_name_of_its_expiry()
    {
        var database = await SetUpAsync();
        var hold = Move(LedgerId.FromName("review6:expiring-hold"), WalletA, Merchant, 100) with { Flags = TransferFlags.Pending, TimeoutSeconds = 60 };
        var squatters = Enumerable.Range(0, 8)
            .Select(n => Move(LedgerId.FromName(n == 0 ? $"expire:{hold.Id}" : $"expire:{hold.Id}#{n}"), WalletB, Merchant, 1))
            .ToArray();
        var post = new Transfer { Id = LedgerId.FromName("review6:post-expired"), PendingId = hold.Id, Amount = Transfer.AmountOfPending, Flags = TransferFlags.PostPending };

        var coreClock = new FakeTimeProvider(clock.GetUtcNow());
        var core = Core(coreClock);
        Assert.Equal(TransferResult.Ok, core.CreateTransfer(hold));
        Assert.All(squatters, t => Assert.Equal(TransferResult.Ok, core.CreateTransfer(t)));
        coreClock.Advance(TimeSpan.FromMinutes(2));
        core.ExpirePendingTransfers();
        var corePost = core.CreateTransfer(post);
        Assert.True(core.TryGetAccount(WalletA, out var coreWallet));
        Assert.Equal((0L, TransferResult.PendingTransferExpired), (coreWallet.DebitsPending, corePost));

        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(hold));
        foreach (var squatter in squatters)
        {
            Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(squatter));
        }

        clock.Advance(TimeSpan.FromMinutes(2));
        await AnswerAsync(async () => { await new CosmosLedgerStore(database, clock).ExpirePendingTransfersAsync(); return TransferResult.Ok; });
        var posted = await AnswerAsync(() => new CosmosLedgerStore(database, clock).CreateTransferAsync(post));
        var pending = (await store.GetAccountAsync(WalletA))!.Value.DebitsPending;

        Assert.Equal((0L, corePost.ToString()), (pending, posted));
    }

    private static async Task<string> AnswerAsync(Func<Task<TransferResult>> request)
    {
        try
        {
            return (await request()).ToString();
        }
        catch (Exception e) when (e is InvalidOperationException or LedgerContentionException)
        {
            return e.GetType().Name;
        }
    }

    private static ChargeSettings Settings(Memos memos) => new(memos, null, NullLogger.Instance);

    private Pipeline.Domain.Ledgers.Ledger Core(TimeProvider? time = null) => Books.Core(time ?? clock);

    private Task<Database> SetUpAsync() => Books.SetUpAsync(cosmos, clock);

    /// <summary>Records every memo but one, whose id holds another request (answered false), as IChargeRecorder does.</summary>
    private sealed class Memos(string? taken) : IChargeRecorder
    {
        public Task<bool> RecordAsync(string memo, CancellationToken cancellationToken) => Task.FromResult(memo != taken);
    }
}
