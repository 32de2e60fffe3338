using System.Net;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// Writes one side of a transfer into its account partition as one transactional batch (the account document,
/// guarded by its ETag, and the entry), and fences: an entry id taken first by a failure, so that side never applies.
/// Every money movement of the Cosmos ledger goes through here.
/// </summary>
internal sealed class PartitionWriter(AccountDocuments accounts, AccountClosing closing, TimeProvider time)
{
    /// <summary>
    /// Applies a side as one transactional batch: the account document with its new totals (If-Match its ETag)
    /// and the entry. A refusal is written the same way — the account document If-Match the copy it was judged on,
    /// and a fence with the entry's id — so a side is refused only on the account as it stands, never on a stale
    /// copy (this process's cache, or a lagging replica), and the refusal and its fence are one decision.
    /// 412 means another writer changed the account: read it again, judge again, try again. 409 on the entry
    /// means this side was already applied, or fenced; either way the batch changed nothing.
    /// <paramref name="alongside"/>, if any, adds one more operation to the batch that applies the side, given the
    /// entry's time (a charge's record created, or deleted when the charge is reversed).
    /// </summary>
    public async Task<(SideOutcome Outcome, TransferResult Code)> ApplyAsync(
        Side side, CancellationToken cancellationToken, Func<TransactionalBatch, long, TransactionalBatch>? alongside = null)
    {
        using var held = await accounts.LockAsync(side.Partition, cancellationToken);
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            var current = await accounts.ReadPartitionAsync(side.Partition, cached: attempt == 0, cancellationToken);
            var before = current.ToAccount();
            var (refusal, after) = side.Change(before);
            if (refusal is TransferResult.CreditAccountClosed or TransferResult.DebitAccountClosed && await closing.ReopenIfStaleAsync(current, cancellationToken))
            {
                continue; // A shard closed by a close attempt that is over: it is open again, judge once more.
            }

            if (refusal != TransferResult.Ok && !side.FenceRefusal)
            {
                // Nothing to write: judge once more on a fresh read before saying no.
                if (attempt == 0)
                {
                    continue;
                }

                var applied = await accounts.ReadEntryAsync(side.Partition, side.EntryId, cancellationToken);
                return applied is null ? (SideOutcome.Refused, refusal) : Existing(applied);
            }

            var micros = current.NextEntryMicros(CosmosTime.ToMicros(time.GetUtcNow()));
            var updated = refusal == TransferResult.Ok ? current.WithTotals(after, micros) : current.Next();
            var written = refusal == TransferResult.Ok ? side.EntryOf(current, before, after, micros, current.EntrySequence + 1) : Fence(side.Partition, side.EntryId, side.TransferId, refusal, micros);
            // Nothing is read back from a side's writes but the account's new ETag: no document comes back.
            var batch = accounts.Container.CreateTransactionalBatch(Key(side.Partition))
                .ReplaceItem(AccountDocument.DocumentId, updated, new TransactionalBatchItemRequestOptions { IfMatchEtag = current.ETag, EnableContentResponseOnWrite = false })
                .CreateItem(written, NoContent.BatchItem);
            if (alongside is not null && refusal == TransferResult.Ok)
            {
                alongside(batch, micros);
            }

            using var response = await batch.ExecuteAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                accounts.Remember(updated with { ETag = response[0].ETag });
                return refusal == TransferResult.Ok ? (SideOutcome.Applied, TransferResult.Ok) : (SideOutcome.Refused, refusal);
            }

            if (response[1].StatusCode == HttpStatusCode.Conflict)
            {
                return Existing(await accounts.ReadEntryAsync(side.Partition, side.EntryId, cancellationToken)
                    ?? throw new InvalidOperationException($"Entry {side.EntryId} conflicted but cannot be read."));
            }

            if (response[0].StatusCode != HttpStatusCode.PreconditionFailed)
            {
                throw new InvalidOperationException($"Batch on {side.Partition} failed: {response.StatusCode} / {response[0].StatusCode}.");
            }

            await Contention.BackOffAsync(attempt, cancellationToken);
        }

        throw new LedgerContentionException(side.Partition);
    }

    /// <summary>
    /// Makes sure a side will never be applied, by writing its entry id first as a fence carrying the failure, for a
    /// refusal that does not depend on the account's totals (an account missing, a currency that differs, a chain
    /// that failed elsewhere). Returns false when the side was applied before the fence could be written: the
    /// transfer must go on.
    /// </summary>
    public Task<bool> FenceAsync(string partition, LedgerId transfer, TransferResult failure, CancellationToken cancellationToken) =>
        FenceAsync(partition, EntryId(transfer), transfer, failure, cancellationToken);

    public async Task<bool> FenceAsync(string partition, string entryId, LedgerId transfer, TransferResult failure, CancellationToken cancellationToken)
    {
        var fence = Fence(partition, entryId, transfer, failure, CosmosTime.ToMicros(time.GetUtcNow()));
        try
        {
            await accounts.Container.CreateItemAsync(fence, Key(partition), cancellationToken: cancellationToken);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            var existing = await accounts.ReadEntryAsync(partition, fence.Id, cancellationToken)
                ?? throw new InvalidOperationException($"Entry {fence.Id} conflicted but cannot be read.");
            return existing.IsFence;
        }
    }

    private static EntryDocument Fence(string partition, string entryId, LedgerId transfer, TransferResult failure, long micros) => new()
    {
        Id = entryId,
        Pk = partition,
        Type = "fence",
        Kind = failure.Code(),
        TransferId = transfer.ToString(),
        AccountId = ParsePartition(partition).Account.ToString(),
        TimestampMicros = micros,
    };

    private static (SideOutcome, TransferResult) Existing(EntryDocument entry) =>
        entry.IsFence ? (SideOutcome.Fenced, ResultText.ParseTransferResult(entry.Kind)) : (SideOutcome.AlreadyApplied, TransferResult.Ok);
}
