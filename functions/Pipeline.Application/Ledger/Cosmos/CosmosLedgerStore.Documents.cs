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

    /// <summary>
    /// An account partition a side writes to, which must exist: a shard that a creation which died half-way did not
    /// open is opened now, from the main document.
    /// </summary>
    private async Task<AccountDocument> ReadPartitionAsync(string partition, bool cached, CancellationToken cancellationToken)
    {
        var document = cached ? await ReadAccountCachedAsync(partition, cancellationToken) : await ReadAccountAsync(partition, cancellationToken);
        if (document is not null)
        {
            return document;
        }

        var (account, shard) = ParsePartition(partition);
        var main = shard == 0 ? null : await ReadAccountCachedAsync(AccountPartition(account, 0), cancellationToken);
        return main is not null && shard < main.Shards
            ? await OpenShardAsync(main, shard, cancellationToken)
            : throw new InvalidOperationException($"Account partition {partition} does not exist.");
    }

    /// <summary>Opens every shard of the account that is not open yet (none for an ordinary account).</summary>
    private async Task EnsureShardsAsync(AccountDocument main, CancellationToken cancellationToken)
    {
        if (main.Shards == 1)
        {
            return;
        }

        var id = ParseId(main.AccountId);
        var open = await accounts.ReadManyItemsAsync<AccountDocument>(
            [.. Enumerable.Range(1, main.Shards - 1).Select(shard => (AccountDocument.DocumentId, Key(AccountPartition(id, shard))))],
            cancellationToken: cancellationToken);
        foreach (var shard in Enumerable.Range(1, main.Shards - 1).Where(k => !open.Any(d => d.Shard == k)))
        {
            await OpenShardAsync(main, shard, cancellationToken);
        }
    }

    /// <summary>Creates one shard from the main document; if another writer opened it first, that one stands.</summary>
    private async Task<AccountDocument> OpenShardAsync(AccountDocument main, int shard, CancellationToken cancellationToken)
    {
        var document = main.ShardOf(shard);
        try
        {
            return await CreateAccountDocumentAsync(document, cancellationToken);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return await ReadAccountAsync(document.Pk, cancellationToken)
                ?? throw new InvalidOperationException($"Account partition {document.Pk} conflicted on create but cannot be read.");
        }
    }

    /// <summary>Creates an account document. Never an upsert: an account document that exists is never written over by a creation.</summary>
    private async Task<AccountDocument> CreateAccountDocumentAsync(AccountDocument document, CancellationToken cancellationToken)
    {
        var created = (await accounts.CreateItemAsync(document, Key(document.Pk), cancellationToken: cancellationToken)).Resource;
        cache.Set(created);
        return created;
    }

    private Task<TransferDocument?> ReadTransferAsync(LedgerId id, CancellationToken cancellationToken) =>
        transfers.ReadOrNullAsync<TransferDocument>(id.ToString(), id.ToString(), cancellationToken);

    private Task<EntryDocument?> ReadEntryAsync(string partition, string entryId, CancellationToken cancellationToken) =>
        accounts.ReadOrNullAsync<EntryDocument>(entryId, partition, cancellationToken);

    /// <summary>
    /// Compare-and-swap on an account document (no entry): <paramref name="change"/> returns null to give up. Returns
    /// the document as last read, and the one written (null when the change gave up).
    /// </summary>
    private async Task<(AccountDocument Current, AccountDocument? Written)> UpdateAccountAsync(
        string partition, Func<AccountDocument, AccountDocument?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            var current = await ReadAccountAsync(partition, cancellationToken)
                ?? throw new InvalidOperationException($"Account partition {partition} vanished.");
            var updated = change(current)?.Next();
            if (updated is null)
            {
                return (current, null);
            }

            try
            {
                var response = await accounts.ReplaceItemAsync(updated, AccountDocument.DocumentId, Key(partition),
                    new ItemRequestOptions { IfMatchEtag = current.ETag }, cancellationToken);
                cache.Set(response.Resource);
                return (current, response.Resource);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                await Contention.BackOffAsync(attempt, cancellationToken);
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
