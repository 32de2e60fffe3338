using System.Collections.Concurrent;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;
using Pipeline.Application.Diagnostics;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// Charges: simple transfers made in one write. The debit side's transactional batch also creates the charge's
/// record (<see cref="ChargeDocument"/>), so the money leaves the debit account and is recorded as in flight in the
/// same atomic step. The credit is applied later, many charges per batch on the credit account's partition
/// (<see cref="ChargeCredits"/>), which also writes each transfer document and deletes the record. Every
/// step is idempotent by the transfer id (entry ids), so the completer, a refund settling first and recovery can
/// all race on one charge and it is credited once. docs/ARCHITECTURE.md has the protocol and its crash cases.
/// </summary>
internal sealed class ChargeBook
{
    /// <summary>Charges whose credit may still be owed (see <see cref="ChargeDocument"/>).</summary>
    private const string ChargesQuery = "SELECT * FROM c WHERE c.type = 'charge'";

    private readonly AccountDocuments accounts;
    private readonly PartitionWriter writer;
    private readonly ChargeCredits credits;
    private readonly IChargeRecorder recorder;
    private readonly TimeProvider time;
    private readonly ILedgerFaults faults;
    private readonly ILogger logger;
    private readonly ChargeCompleter completer;

    /// <summary>
    /// Charges this process made whose callers have not yet said to complete them, by the whole request (an id alone
    /// could name another account's charge: its caller's key reused for another wallet).
    /// </summary>
    private readonly ConcurrentDictionary<Transfer, ChargeDocument> madeHere = new();
    private int completionsSinceSweep;

    public ChargeBook(AccountDocuments accounts, PartitionWriter writer, ChargeCredits credits, IChargeRecorder recorder, TimeProvider time, ILedgerFaults faults, ILogger logger)
    {
        this.accounts = accounts;
        this.writer = writer;
        this.credits = credits;
        this.recorder = recorder;
        this.time = time;
        this.faults = faults;
        this.logger = logger;
        completer = new ChargeCompleter(credits.CompleteAsync, LookUpAsync, logger);
    }

    public async Task<TransferResult> ChargeAsync(Transfer transfer, string? memo, CancellationToken cancellationToken = default)
    {
        using var activity = Telemetry.Source.StartActivity("ledger.charge");
        if (transfer.IsLinked || transfer.IsPending || transfer.IsPostOrVoid || !transfer.Id.IsReserved)
        {
            // A charge is recorded by id only when it completes: only a reserved id, which no transfer request may use,
            // cannot be taken by one meanwhile.
            throw new ArgumentException("A charge is a simple transfer (not pending, post, void or linked) with a reserved id (LedgerId.Reserved).", nameof(transfer));
        }

        if (transfer.Id.IsZero)
        {
            return TransferResult.IdMustNotBeZero;
        }

        var debitPartition = AccountPartition(transfer.DebitAccountId, 0);
        var debit = await accounts.ReadCachedAsync(debitPartition, cancellationToken);
        var credit = await accounts.ReadCachedAsync(AccountPartition(transfer.CreditAccountId, 0), cancellationToken);
        var invalid = TransferProtocol.Validate(transfer);
        var refusal = invalid != TransferResult.Ok ? invalid
            : debit is null ? TransferResult.DebitAccountNotFound
            : credit is null ? TransferResult.CreditAccountNotFound
            : TransferRules.CheckCurrencyAndOpen(transfer, debit.ToAccount(), credit.ToAccount());
        if (refusal != TransferResult.Ok)
        {
            return debit is null ? refusal : await RefuseChargeAsync(debitPartition, transfer, refusal, cancellationToken);
        }

        var record = new ChargeDocument
        {
            Id = ChargeId(transfer.Id),
            Pk = debitPartition,
            Request = transfer,
            CreditPartition = AccountPartition(transfer.CreditAccountId, CreditShard(transfer.Id, credit!.Shards)),
            CreatedMicros = CosmosTime.ToMicros(time.GetUtcNow()),
            Memo = memo,
        };
        var side = new Side(debitPartition, EntryId(transfer.Id), "transfer", IsDebit: true, transfer.Id, a =>
            a.Closed ? (TransferResult.DebitAccountClosed, a) : (TransferRules.CheckDebitSide(a, transfer.Amount), a.Debit(transfer.Amount, pending: false)));
        var (outcome, code) = await writer.ApplyAsync(side, cancellationToken, (batch, micros) => batch.CreateItem(record with { DebitMicros = micros }, NoContent.BatchItem));
        if (outcome == SideOutcome.Applied)
        {
            madeHere[transfer] = record with { Memo = null }; // The memo is kept in the database; completing does not need it.
        }

        var result = outcome switch
        {
            SideOutcome.Applied => TransferResult.Ok,
            SideOutcome.AlreadyApplied => await CompareChargeAsync(debitPartition, transfer, cancellationToken),
            _ => code, // Refused now (and fenced with it), or fenced by an earlier attempt: the same answer.
        };
        await faults.AfterAsync(LedgerStep.ChargeDebited, transfer.Id);
        return result;
    }

    /// <summary>
    /// Fences the charge's debit so the refusal is final; if the debit got in first, the charge stands. A charge
    /// refused before answers that refusal again (its caller records why), where a transfer answers id_already_failed.
    /// </summary>
    private async Task<TransferResult> RefuseChargeAsync(string debitPartition, Transfer transfer, TransferResult refusal, CancellationToken cancellationToken) =>
        await writer.FenceAsync(debitPartition, transfer.Id, refusal, cancellationToken)
            ? refusal
            : await CompareChargeAsync(debitPartition, transfer, cancellationToken);

    /// <summary>The same id was charged before: "exists" when it debited the same account the same amount.</summary>
    private async Task<TransferResult> CompareChargeAsync(string debitPartition, Transfer transfer, CancellationToken cancellationToken)
    {
        var entry = await accounts.ReadEntryAsync(debitPartition, EntryId(transfer.Id), cancellationToken)
            ?? throw new InvalidOperationException($"Charge {transfer.Id} was applied but its entry cannot be read.");
        return entry.IsFence ? ResultText.ParseTransferResult(entry.Kind)
            : entry.PostedDelta == transfer.Amount ? TransferResult.Exists
            : TransferResult.ExistsWithDifferentAmount;
    }

    /// <summary>
    /// Queues the charge for the completer only if this process made it (its record is known to exist): completing a
    /// charge that was refused, or is not this caller's, would credit money that never left the debit account.
    /// Others — a retry that met its charge already made — are completed by recovery.
    /// </summary>
    public void CompleteCharge(Transfer transfer)
    {
        if (madeHere.TryRemove(transfer, out var record))
        {
            completer.Enqueue(record);
        }
        else
        {
            // Made by an earlier attempt (a retry met it): complete it if its record says it is owed.
            completer.EnqueueLookUp(transfer);
        }

        // A caller that died between charging and completing leaves its record here; recovery completes the
        // charge itself, so old records are let go rather than kept for the life of the process. Counting takes
        // every lock of the dictionary, so it is done once in a while, not on every payment.
        if (Interlocked.Increment(ref completionsSinceSweep) % LedgerLimits.ChargesBetweenMemorySweeps == 0
            && madeHere.Count > LedgerLimits.ChargesAwaitingCompletionMax)
        {
            var before = CosmosTime.ToMicros(time.GetUtcNow()) - (long)LedgerLimits.ChargeAwaitingCompletionMax.TotalMicroseconds;
            foreach (var stale in madeHere.Where(p => p.Value.CreatedMicros < before))
            {
                madeHere.TryRemove(stale.Key, out _);
            }
        }
    }

    public async Task SettleChargeAsync(Transfer transfer, CancellationToken cancellationToken = default)
    {
        if (await LookUpAsync(transfer, cancellationToken) is { } record)
        {
            await credits.CompleteAsync([record], cancellationToken);
        }
    }

    public Task DrainAsync(CancellationToken cancellationToken) => completer.DrainAsync(cancellationToken);

    /// <summary>The charge's record while its credit is still owed; null once completed (or never made).</summary>
    private Task<ChargeDocument?> LookUpAsync(Transfer transfer, CancellationToken cancellationToken) =>
        accounts.Container.ReadOrNullAsync<ChargeDocument>(ChargeId(transfer.Id), AccountPartition(transfer.DebitAccountId, 0), cancellationToken);

    /// <summary>
    /// Charges whose caller or completer died: each memo is recorded first, then the charges are completed. A memo
    /// that cannot be recorded keeps its charge in flight (logged; tried again next pass) without holding up the rest;
    /// a charge whose memo lost its id to another record belongs to nobody and is reversed.
    /// </summary>
    public async Task<int> RecoverAsync(long olderThanMicros, CancellationToken cancellationToken)
    {
        var stuck = await accounts.Container.QueryAllAsync<ChargeDocument>(new QueryDefinition(
            $"{ChargesQuery} AND c.createdMicros <= {Numbers.Literal(olderThanMicros)}"), null, cancellationToken);
        var recorded = new List<ChargeDocument>(stuck.Count);
        var reversed = await MaintenancePass.EachOnItsOwnAsync(logger, stuck, "charge", c => c.Request.Id, async charge =>
        {
            if (charge.Memo is null || await recorder.RecordAsync(charge.Memo, cancellationToken))
            {
                recorded.Add(charge);
                return false;
            }

            await ReverseOrphanAsync(charge, cancellationToken);
            return true;
        });
        var completed = 0;
        foreach (var chunk in recorded.Chunk(LedgerLimits.ChargeCompletionsPerPassMax))
        {
            completed += await credits.CompleteAsync(chunk, cancellationToken);
        }

        return completed + reversed;
    }

    /// <summary>
    /// Gives back the money of a charge that belongs to nobody: its caller's record id went to another request (an
    /// Idempotency-Key reused for a different payment, answered 422) before the caller could keep it. The debit is
    /// undone by a reversal entry and the charge's record deleted in one batch of the debit account's partition.
    /// Nobody has credited it: a credit only ever follows a memo that was recorded, and this one cannot be.
    /// </summary>
    private async Task ReverseOrphanAsync(ChargeDocument charge, CancellationToken cancellationToken)
    {
        var request = charge.Request;
        var reversal = new Side(charge.Pk, ReversalId(request.Id), "reversal", IsDebit: true, request.Id, a => (TransferResult.Ok, a.Debit(-request.Amount, pending: false)));
        var (outcome, _) = await writer.ApplyAsync(reversal, cancellationToken, (batch, _) => batch.DeleteItem(charge.Id, NoContent.BatchItem));
        logger.LogWarning("Charge {TransferId}: its record went to another request; {Amount} was given back to {Account} ({Outcome})",
            request.Id, request.Amount, request.DebitAccountId, outcome);
    }
}
