using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// Closing an account: every partition of it closed, shards before the main document (so an account whose main
/// document says closed takes no more credits), each only while it holds nothing pending. A close refused half-way
/// (a hold landed on a later shard meanwhile) reopens the shards it closed itself, so a refused close changes nothing.
/// </summary>
public sealed partial class CosmosLedgerStore
{
    public async Task<CloseAccountResult> CloseAccountAsync(LedgerId id, CancellationToken cancellationToken = default)
    {
        var main = await ReadAccountAsync(AccountPartition(id, 0), cancellationToken);
        if (main is null)
        {
            return CloseAccountResult.AccountNotFound;
        }

        // Every shard exists before any is closed, so none can be opened later from a main document still open.
        await EnsureShardsAsync(main, cancellationToken);
        var shards = await ReadShardsAsync(id, cancellationToken);
        if (shards[0].Closed)
        {
            return CloseAccountResult.AccountAlreadyClosed;
        }

        var closedHere = new List<AccountDocument>();
        foreach (var shard in shards.Skip(1).Append(shards[0]))
        {
            var (current, written) = await UpdateAccountAsync(shard.Pk, d => d.Closed || d.ToAccount().HasPending ? null : d with { Closed = true }, cancellationToken);
            if (written is not null)
            {
                closedHere.Add(written);
            }
            else if (!current.Closed)
            {
                await ReopenAsync(id, closedHere, cancellationToken);
                return CloseAccountResult.AccountHasPendingTransfers;
            }
        }

        return CloseAccountResult.Ok;
    }

    /// <summary>
    /// Gives back the shards this close closed. Should another close have finished meanwhile (the main document says
    /// closed: it found every shard closed and nothing pending), they are closed again, so that close stands.
    /// </summary>
    private async Task ReopenAsync(LedgerId id, IReadOnlyList<AccountDocument> closedHere, CancellationToken cancellationToken)
    {
        foreach (var shard in closedHere)
        {
            await UpdateAccountAsync(shard.Pk, d => d.Closed ? d with { Closed = false } : null, cancellationToken);
        }

        if ((await ReadAccountAsync(AccountPartition(id, 0), cancellationToken))?.Closed == true)
        {
            foreach (var shard in closedHere)
            {
                await UpdateAccountAsync(shard.Pk, d => d.Closed ? null : d with { Closed = true }, cancellationToken);
            }
        }
    }
}
