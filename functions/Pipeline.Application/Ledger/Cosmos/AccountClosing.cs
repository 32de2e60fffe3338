using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// Closing an account, which for a sharded account spans partitions, as a protocol like a transfer's. A close attempt
/// is recorded on the main document (<see cref="AccountDocument.ClosingBy"/>); its drivers close the shards one by
/// one, each only while it holds nothing pending and marked with the attempt; then one compare-and-swap on the main
/// document decides: closed (nothing pending there either), or undone (a shard held something pending) — after which
/// the shards this attempt closed are opened again. Anyone who meets an attempt under way drives it to its decision
/// first; one that fails or dies half-way is undone by its caller, or by recovery after the grace period. So a close
/// either closes every partition or, in the end, none: a refused or failed close changes nothing. While an attempt is
/// under way, credits to the shards it has closed are refused as for a closed account.
/// </summary>
internal sealed class AccountClosing(AccountDocuments accounts, TimeProvider time, ILedgerFaults faults, ILogger logger)
{
    public async Task<CloseAccountResult> CloseAccountAsync(LedgerId id, CancellationToken cancellationToken = default)
    {
        for (var round = 0; round < LedgerLimits.CloseRoundsMax; round++)
        {
            var main = await accounts.ReadAsync(AccountPartition(id, 0), cancellationToken);
            if (main is null || main.Closed)
            {
                return main is null ? CloseAccountResult.AccountNotFound : CloseAccountResult.AccountAlreadyClosed;
            }

            // Every shard exists before any is closed, so none can be opened later from a main document still open.
            await accounts.EnsureShardsAsync(main, cancellationToken);
            if (main.ClosingBy is { } other)
            {
                await DriveCloseAsync(id, other, cancellationToken);
                continue;
            }

            var attempt = Guid.NewGuid().ToString("N");
            var now = CosmosTime.ToMicros(time.GetUtcNow());
            var (_, begun) = await accounts.UpdateAsync(main.Pk, d => d.Closed || d.ClosingBy is not null ? null : d with { ClosingBy = attempt, ClosingSinceMicros = now }, cancellationToken);
            if (begun is null)
            {
                continue;
            }

            try
            {
                if (await DriveCloseAsync(id, attempt, cancellationToken) is { } result)
                {
                    return result;
                }
            }
            catch
            {
                await UndoCloseAsync(id, attempt, CancellationToken.None);
                throw;
            }

            // The attempt was undone by someone else (recovery, or a closer that met something pending) or lost a
            // shard to another attempt: it says nothing about this account, so the close starts again.
        }

        throw new LedgerContentionException(AccountPartition(id, 0));
    }

    /// <summary>
    /// Closes the shards for the attempt, then decides it on the main document; follows the decision if another driver
    /// made it. Null when the attempt is over without a decision of its own (undone by someone else, or superseded).
    /// </summary>
    private async Task<CloseAccountResult?> DriveCloseAsync(LedgerId id, string attempt, CancellationToken cancellationToken)
    {
        var main = await accounts.ReadAsync(AccountPartition(id, 0), cancellationToken)
            ?? throw new InvalidOperationException($"Account {id} vanished while closing.");
        for (var shard = 1; shard < main.Shards; shard++)
        {
            var partition = AccountPartition(id, shard);
            for (var round = 0; ; round++)
            {
                // A shard closed by another attempt is never taken over: only the attempt that closed it may open it.
                var (current, written) = await accounts.UpdateAsync(partition,
                    d => d.Closed || d.ToAccount().HasPending ? null : d with { Closed = true, ClosedBy = attempt }, cancellationToken);
                if (written is not null || current.ClosedBy == attempt)
                {
                    break;
                }

                if (round >= LedgerLimits.CloseRoundsMax)
                {
                    throw new LedgerContentionException(partition);
                }

                if (await ReopenIfStaleAsync(current, cancellationToken))
                {
                    continue;
                }

                // Something pending here, or the shard is another attempt's (live or committed): this attempt is over.
                await UndoCloseAsync(id, attempt, cancellationToken);
                return current.Closed ? null : CloseAccountResult.AccountHasPendingTransfers;
            }

            await faults.AfterAsync(LedgerStep.ShardClosed, id);
        }

        var (decided, committed) = await accounts.UpdateAsync(AccountPartition(id, 0),
            d => d.ClosingBy != attempt || d.ToAccount().HasPending ? null : d with { Closed = true, ClosingBy = null, ClosedBy = attempt }, cancellationToken);
        if (committed is not null || decided.Closed)
        {
            // Closed by this attempt (here, or by another driver of it), or by another attempt after this one was undone.
            return committed is not null || decided.ClosedBy == attempt ? CloseAccountResult.Ok : CloseAccountResult.AccountAlreadyClosed;
        }

        // Refused for something pending on the main document — or undone meanwhile, which decides nothing.
        await UndoCloseAsync(id, attempt, cancellationToken);
        return decided.ClosingBy == attempt ? CloseAccountResult.AccountHasPendingTransfers : null;
    }

    /// <summary>
    /// Opens a shard again whose close mark is stale: the attempt that closed it is neither under way nor committed —
    /// its driver ran on after the attempt was undone, or died before opening what it had closed. Attempts are never
    /// revived, so a mark that the main document (read after the shard) does not name is stale for good. Whoever meets
    /// such a shard — a credit, a hold, another close — opens it; so a close that did not commit leaves, in the end, no
    /// partition closed (rule 7), even when nobody is left to undo it. Returns whether the shard was stale.
    /// </summary>
    public async Task<bool> ReopenIfStaleAsync(AccountDocument shard, CancellationToken cancellationToken)
    {
        var (account, index) = ParsePartition(shard.Pk);
        if (!shard.Closed || index == 0 || shard.ClosedBy is not { } mark)
        {
            return false;
        }

        var main = await accounts.ReadAsync(AccountPartition(account, 0), cancellationToken);
        if (main is null || main.Closed || main.ClosingBy == mark)
        {
            return false;
        }

        await accounts.UpdateAsync(shard.Pk, d => d.Closed && d.ClosedBy == mark ? d with { Closed = false, ClosedBy = null } : null, cancellationToken);
        return true;
    }

    /// <summary>
    /// Undoes the attempt unless it committed: clears it from the main document, then opens the shards it closed
    /// (only those still marked with it: a later attempt may have taken a shard over).
    /// </summary>
    private async Task UndoCloseAsync(LedgerId id, string attempt, CancellationToken cancellationToken)
    {
        var (main, _) = await accounts.UpdateAsync(AccountPartition(id, 0), d => d.ClosingBy == attempt ? d with { ClosingBy = null } : null, cancellationToken);
        if (main.Closed && main.ClosingBy is null)
        {
            return; // Committed: the shards stay closed.
        }

        for (var shard = 1; shard < main.Shards; shard++)
        {
            await accounts.UpdateAsync(AccountPartition(id, shard), d => d.ClosedBy == attempt && d.Closed ? d with { Closed = false, ClosedBy = null } : null, cancellationToken);
        }
    }

    /// <summary>Undoes the close attempts older than <paramref name="olderThanMicros"/>: their callers failed or died before a decision.</summary>
    public async Task<int> RecoverAsync(long olderThanMicros, CancellationToken cancellationToken)
    {
        var stuck = await accounts.Container.QueryAllAsync<AccountDocument>(new QueryDefinition(
            $"SELECT * FROM c WHERE c.type = 'account' AND IS_STRING(c.closingBy) AND c.closingSinceMicros <= {Numbers.Literal(olderThanMicros)}"), null, cancellationToken);
        return await MaintenancePass.EachOnItsOwnAsync(logger, stuck, "close", a => ParseId(a.AccountId), async account =>
        {
            await UndoCloseAsync(ParseId(account.AccountId), account.ClosingBy!, cancellationToken);
            return true;
        });
    }
}
