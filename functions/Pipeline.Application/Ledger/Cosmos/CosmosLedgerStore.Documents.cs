using System.Net;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

public sealed partial class CosmosLedgerStore
{
    private async Task<AccountDocument?> ReadAccountAsync(string partition, CancellationToken cancellationToken)
    {
        var document = await accounts.ReadOrNullAsync<AccountDocument>(AccountDocument.DocumentId, partition, cancellationToken);
        if (document is null)
        {
            cache.Forget(partition);
            return null;
        }

        cache.Set(document);
        return document;
    }

    private async Task<AccountDocument?> ReadAccountCachedAsync(string partition, CancellationToken cancellationToken) =>
        cache.Get(partition) ?? await ReadAccountAsync(partition, cancellationToken);

    private Task<TransferDocument?> ReadTransferAsync(LedgerId id, CancellationToken cancellationToken) =>
        transfers.ReadOrNullAsync<TransferDocument>(id.ToString(), id.ToString(), cancellationToken);

    private Task<EntryDocument?> ReadEntryAsync(string partition, string entryId, CancellationToken cancellationToken) =>
        accounts.ReadOrNullAsync<EntryDocument>(entryId, partition, cancellationToken);

    /// <summary>Compare-and-swap on an account document (no entry): <paramref name="change"/> returns null to give up.</summary>
    private async Task<bool> UpdateAccountAsync(string partition, Func<AccountDocument, AccountDocument?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < LedgerLimits.ConcurrencyAttemptsMax; attempt++)
        {
            var current = await ReadAccountAsync(partition, cancellationToken)
                ?? throw new InvalidOperationException($"Account partition {partition} vanished.");
            var updated = change(current);
            if (updated is null)
            {
                return false;
            }

            try
            {
                var response = await accounts.ReplaceItemAsync(updated, AccountDocument.DocumentId, Key(partition),
                    new ItemRequestOptions { IfMatchEtag = current.ETag }, cancellationToken);
                cache.Set(response.Resource);
                return true;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                await BackOffAsync(attempt, cancellationToken);
            }
        }

        throw new LedgerContentionException(partition);
    }

    /// <summary>
    /// Compare-and-swap on a transfer document. Returns the document as stored after the call: the updated one if
    /// this call won, or the one another writer stored first, for the caller to follow.
    /// </summary>
    private async Task<(bool Won, TransferDocument Current)> SwapTransferAsync(TransferDocument expected, TransferDocument updated, CancellationToken cancellationToken)
    {
        try
        {
            var response = await transfers.ReplaceItemAsync(updated with { ETag = null }, updated.Id, Key(updated.Id),
                new ItemRequestOptions { IfMatchEtag = expected.ETag }, cancellationToken);
            return (true, response.Resource);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            var current = await transfers.ReadOrNullAsync<TransferDocument>(updated.Id, updated.Id, cancellationToken);
            return (false, current ?? throw new InvalidOperationException($"Transfer {updated.Id} vanished."));
        }
    }

    /// <summary>A short random pause, growing with the attempt, so writers that collided do not collide again.</summary>
    private static Task BackOffAsync(int attempt, CancellationToken cancellationToken)
    {
        var ceiling = Math.Min(LedgerLimits.ConflictBackoffMax.TotalMilliseconds, 1 << Math.Min(attempt, 10));
        return Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling), cancellationToken);
    }

    private static async Task<IReadOnlyList<T>> QueryAllAsync<T>(Container container, QueryDefinition query, QueryRequestOptions? options, CancellationToken cancellationToken)
    {
        var results = new List<T>();
        using var iterator = container.GetItemQueryIterator<T>(query, requestOptions: options);
        while (iterator.HasMoreResults)
        {
            results.AddRange(await iterator.ReadNextAsync(cancellationToken));
        }

        return results;
    }
}

/// <summary>An account kept changing under every attempt: an operational signal (a runaway hot account), not a user error.</summary>
public sealed class LedgerContentionException(string partition)
    : Exception($"Gave up on account partition {partition} after {LedgerLimits.ConcurrencyAttemptsMax} conflicting attempts.");
