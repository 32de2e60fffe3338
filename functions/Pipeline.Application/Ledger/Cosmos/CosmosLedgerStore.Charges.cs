using System.Net;
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
/// (<see cref="CompleteChargesAsync"/>), which also writes each transfer document and deletes the record. Every
/// step is idempotent by the transfer id (entry ids), so the completer, a refund settling first and recovery can
/// all race on one charge and it is credited once. docs/ARCHITECTURE.md has the protocol and its crash cases.
/// </summary>
public sealed partial class CosmosLedgerStore
{
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
        var debit = await ReadAccountCachedAsync(debitPartition, cancellationToken);
        var credit = await ReadAccountCachedAsync(AccountPartition(transfer.CreditAccountId, 0), cancellationToken);
        var invalid = Validate(transfer);
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
        var (outcome, code) = await ApplySideAsync(side, cancellationToken, (batch, micros) => batch.CreateItem(record with { DebitMicros = micros }, NoBatchContent));
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
        await FenceAsync(debitPartition, transfer.Id, refusal, cancellationToken)
            ? refusal
            : await CompareChargeAsync(debitPartition, transfer, cancellationToken);

    /// <summary>The same id was charged before: "exists" when it debited the same account the same amount.</summary>
    private async Task<TransferResult> CompareChargeAsync(string debitPartition, Transfer transfer, CancellationToken cancellationToken)
    {
        var entry = await ReadEntryAsync(debitPartition, EntryId(transfer.Id), cancellationToken)
            ?? throw new InvalidOperationException($"Charge {transfer.Id} was applied but its entry cannot be read.");
        return entry.IsFence ? ParseCode(entry.Kind)
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
            _ = Task.Run(() => SettleInBackgroundAsync(transfer));
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

    private async Task SettleInBackgroundAsync(Transfer transfer)
    {
        try
        {
            await SettleChargeAsync(transfer);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Charge {TransferId}: settling it failed; recovery will complete it", transfer.Id);
        }
    }

    public async Task SettleChargeAsync(Transfer transfer, CancellationToken cancellationToken = default)
    {
        var record = await accounts.ReadOrNullAsync<ChargeDocument>(ChargeId(transfer.Id), AccountPartition(transfer.DebitAccountId, 0), cancellationToken);
        if (record is not null)
        {
            await CompleteChargesAsync([record], cancellationToken);
        }
    }

    /// <summary>
    /// Credits the charges (grouped by the partition that takes each credit, up to 99 per batch), then writes
    /// their transfer documents and deletes their records. The record goes last: until then the charge is in
    /// flight and recovery would complete it again, which changes nothing.
    /// </summary>
    private async Task<int> CompleteChargesAsync(IReadOnlyList<ChargeDocument> charges, CancellationToken cancellationToken)
    {
        var credited = (await Task.WhenAll(charges.GroupBy(c => c.CreditPartition, StringComparer.Ordinal)
            .Select(group => CreditAllAsync(group.Key, [.. group], cancellationToken)))).SelectMany(c => c).ToList();
        foreach (var charge in credited)
        {
            await faults.AfterAsync(LedgerStep.ChargeCredited, charge.Request.Id);
        }

        var timestamp = time.GetUtcNow().UtcTicks;
        await Task.WhenAll(credited.Select(c => RecordChargeTransferAsync(c, timestamp, cancellationToken)));
        await Task.WhenAll(credited.Select(c => IgnoringAsync(HttpStatusCode.NotFound, () =>
            bulkAccounts.DeleteItemAsync<ChargeDocument>(c.Id, Key(c.Pk), NoContent, cancellationToken))));
        return credited.Count;
    }

    /// <summary>
    /// Credits the charges of one partition, 99 to a batch; returns those credited (now or before). A charge whose
    /// credit fails is logged and stays in flight, and does not hold up the others.
    /// </summary>
    private async Task<IReadOnlyList<ChargeDocument>> CreditAllAsync(string partition, IReadOnlyList<ChargeDocument> charges, CancellationToken cancellationToken)
    {
        var credited = new List<ChargeDocument>(charges.Count);
        foreach (var chunk in charges.Chunk(LedgerLimits.ChargeCreditsPerBatchMax))
        {
            if (await TryCreditBatchAsync(partition, chunk, cancellationToken))
            {
                credited.AddRange(chunk);
                continue;
            }

            // One of them was credited already (by a refund settling it, or a recovery), or one is refused: one at
            // a time, each side answers "already applied", applies, or fails on its own.
            foreach (var charge in chunk)
            {
                try
                {
                    await CreditOneAsync(charge, cancellationToken);
                    credited.Add(charge);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Charge {TransferId}: its credit could not be applied; it stays in flight", charge.Request.Id);
                }
            }
        }

        return credited;
    }

    /// <summary>
    /// All the credits in one transactional batch (the account document plus an entry each). False when that cannot
    /// be done — an entry existed, a credit is refused, the account kept changing — and each must go on its own.
    /// </summary>
    private async Task<bool> TryCreditBatchAsync(string partition, ChargeDocument[] charges, CancellationToken cancellationToken)
    {
        using var held = await cache.LockAsync(partition, cancellationToken);
        for (var attempt = 0; attempt < LedgerLimits.ConcurrencyAttemptsMax; attempt++)
        {
            var current = await ReadPartitionAsync(partition, cached: attempt == 0, cancellationToken);
            var account = current.ToAccount();
            var micros = current.NextEntryMicros(CosmosTime.ToMicros(time.GetUtcNow()));
            var entries = new List<EntryDocument>(charges.Length);
            foreach (var side in charges.Select(CreditSideOf))
            {
                var (refusal, after) = side.Change(account);
                if (refusal != TransferResult.Ok)
                {
                    return false; // The one-at-a-time path meets the same refusal and says so.
                }

                entries.Add(Entry(side, account, after, micros++));
                account = after;
            }

            var updated = current.WithTotals(account, micros - 1);
            var batch = accounts.CreateTransactionalBatch(Key(partition))
                .ReplaceItem(AccountDocument.DocumentId, updated, new TransactionalBatchItemRequestOptions { IfMatchEtag = current.ETag, EnableContentResponseOnWrite = false });
            entries.ForEach(e => batch.CreateItem(e, NoBatchContent));
            using var response = await batch.ExecuteAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                cache.Set(updated with { ETag = response[0].ETag });
                return true;
            }

            if (response[0].StatusCode != HttpStatusCode.PreconditionFailed)
            {
                return false; // An entry existed (the account shows 424), or another failure: one at a time, each answers for itself.
            }

            await BackOffAsync(attempt, cancellationToken);
        }

        return false;
    }

    private async Task CreditOneAsync(ChargeDocument charge, CancellationToken cancellationToken)
    {
        var (outcome, code) = await ApplySideAsync(CreditSideOf(charge), cancellationToken);
        if (outcome == SideOutcome.AlreadyApplied && !IsCreditOf(await ReadEntryAsync(charge.CreditPartition, EntryId(charge.Request.Id), cancellationToken), charge))
        {
            throw new InvalidOperationException($"Charge {charge.Request.Id}: its id was credited for a charge from another account; it stays in flight.");
        }

        if (outcome is SideOutcome.Refused or SideOutcome.Fenced)
        {
            // The credit account was open and of the charge's currency when the charge was made, and accounts that
            // take charges are never closed: this is a broken invariant. The charge stays in flight (the audit
            // shows it) for an operator, and every recovery pass reports it again.
            throw new InvalidOperationException($"The credit of charge {charge.Request.Id} on {charge.CreditPartition} was refused: {code.Code()}.");
        }
    }

    private static Side CreditSideOf(ChargeDocument charge) =>
        new(charge.CreditPartition, EntryId(charge.Request.Id), "transfer", IsDebit: false, charge.Request.Id, a =>
            a.Closed ? (TransferResult.CreditAccountClosed, a) : (TransferRules.CheckCreditSide(a, charge.Request.Amount), a.Credit(charge.Request.Amount, pending: false)),
            charge.Request.DebitAccountId.ToString(), FenceRefusal: false);

    /// <summary>Whether the entry is this charge's credit (and not another charge's that reused its id from another account).</summary>
    private static bool IsCreditOf(EntryDocument? entry, ChargeDocument charge) =>
        entry is { IsFence: false } && entry.Counterparty == charge.Request.DebitAccountId.ToString() && entry.PostedDelta == charge.Request.Amount;

    /// <summary>The transfer document, applied, as an ordinary transfer would leave it (for GET /ledger/transfers/{id}).</summary>
    private Task RecordChargeTransferAsync(ChargeDocument charge, long timestamp, CancellationToken cancellationToken)
    {
        var request = charge.Request;
        var document = new TransferDocument
        {
            Id = request.Id.ToString(),
            Request = request,
            State = TransferState.Applied,
            DebitAccountId = request.DebitAccountId.ToString(),
            CreditAccountId = request.CreditAccountId.ToString(),
            Currency = request.Currency.Code,
            AmountMinor = request.Amount,
            CreatedMicros = charge.CreatedMicros,
            Timestamp = timestamp,
        };
        return IgnoringAsync(HttpStatusCode.Conflict, () => bulkTransfers.CreateItemAsync(document, Key(document.Id), NoContent, cancellationToken));
    }

    /// <summary>
    /// Charges whose caller or completer died: each memo is recorded first, then the charges are completed. A memo
    /// that cannot be recorded keeps its charge in flight (logged; tried again next pass) without holding up the rest;
    /// a charge whose memo lost its id to another record belongs to nobody and is reversed.
    /// </summary>
    private async Task<int> RecoverChargesAsync(long olderThanMicros, CancellationToken cancellationToken)
    {
        var stuck = await QueryAllAsync<ChargeDocument>(accounts, new QueryDefinition(
            $"{ChargesQuery} AND c.createdMicros <= {Numbers.Literal(olderThanMicros)}"), null, cancellationToken);
        var recorded = new List<ChargeDocument>(stuck.Count);
        var reversed = await EachOnItsOwnAsync(stuck, "charge", c => c.Request.Id, async charge =>
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
            completed += await CompleteChargesAsync(chunk, cancellationToken);
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
        var (outcome, _) = await ApplySideAsync(reversal, cancellationToken, (batch, _) => batch.DeleteItem(charge.Id, NoBatchContent));
        logger.LogWarning("Charge {TransferId}: its record went to another request; {Amount} was given back to {Account} ({Outcome})",
            request.Id, request.Amount, request.DebitAccountId, outcome);
    }

    private static readonly ItemRequestOptions NoContent = new() { EnableContentResponseOnWrite = false };
    private static readonly TransactionalBatchItemRequestOptions NoBatchContent = new() { EnableContentResponseOnWrite = false };

    private static async Task IgnoringAsync(HttpStatusCode status, Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (CosmosException e) when (e.StatusCode == status)
        {
            // Done before, by another completer or a recovery: the outcome is the same.
        }
    }
}
