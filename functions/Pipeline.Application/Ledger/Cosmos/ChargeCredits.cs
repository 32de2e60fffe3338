using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>The credit side of charges: many per batch in the credited partition, in the background (<see cref="ChargeCompleter"/>) or by recovery.</summary>
internal sealed class ChargeCredits(
    AccountDocuments accounts, PartitionWriter writer, Container bulkAccounts, Container bulkTransfers, TimeProvider time, ILedgerFaults faults, ILogger logger)
{
    /// <summary>
    /// Credits the charges (grouped by the partition that takes each credit, up to 99 per batch), then writes
    /// their transfer documents and deletes their records. The record goes last: until then the charge is in
    /// flight and recovery would complete it again, which changes nothing.
    /// </summary>
    public async Task<int> CompleteAsync(IReadOnlyList<ChargeDocument> charges, CancellationToken cancellationToken)
    {
        var credited = (await Task.WhenAll(charges.GroupBy(c => c.CreditPartition, StringComparer.Ordinal)
            .Select(group => CreditAllAsync(group.Key, [.. group], cancellationToken)))).SelectMany(c => c).ToList();
        foreach (var charge in credited)
        {
            await faults.AfterAsync(LedgerStep.ChargeCredited, charge.Request.Id);
        }

        var timestamp = time.GetUtcNow().UtcTicks;
        await Task.WhenAll(credited.Select(c => RecordChargeTransferAsync(c, timestamp, cancellationToken)));
        await Task.WhenAll(credited.Select(c => ContainerExtensions.IgnoringAsync(HttpStatusCode.NotFound, () =>
            bulkAccounts.DeleteItemAsync<ChargeDocument>(c.Id, Key(c.Pk), NoContent.Item, cancellationToken))));
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
        using var held = await accounts.LockAsync(partition, cancellationToken);
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            var current = await accounts.ReadPartitionAsync(partition, cached: attempt == 0, cancellationToken);
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

                entries.Add(side.EntryOf(current, account, after, micros++, current.EntrySequence + entries.Count + 1));
                account = after;
            }

            var updated = current.WithTotals(account, micros - 1, entries.Count);
            var batch = accounts.Container.CreateTransactionalBatch(Key(partition))
                .ReplaceItem(AccountDocument.DocumentId, updated, new TransactionalBatchItemRequestOptions { IfMatchEtag = current.ETag, EnableContentResponseOnWrite = false });
            entries.ForEach(e => batch.CreateItem(e, NoContent.BatchItem));
            using var response = await batch.ExecuteAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                accounts.Remember(updated with { ETag = response[0].ETag });
                return true;
            }

            if (response[0].StatusCode != HttpStatusCode.PreconditionFailed)
            {
                return false; // An entry existed (the account shows 424), or another failure: one at a time, each answers for itself.
            }

            await Contention.BackOffAsync(attempt, cancellationToken);
        }

        return false;
    }

    private async Task CreditOneAsync(ChargeDocument charge, CancellationToken cancellationToken)
    {
        var (outcome, code) = await writer.ApplyAsync(CreditSideOf(charge), cancellationToken);
        if (outcome == SideOutcome.AlreadyApplied && !IsCreditOf(await accounts.ReadEntryAsync(charge.CreditPartition, EntryId(charge.Request.Id), cancellationToken), charge))
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
    public static bool IsCreditOf(EntryDocument? entry, ChargeDocument charge) =>
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
        return ContainerExtensions.IgnoringAsync(HttpStatusCode.Conflict, () => bulkTransfers.CreateItemAsync(document, Key(document.Id), NoContent.Item, cancellationToken));
    }
}
