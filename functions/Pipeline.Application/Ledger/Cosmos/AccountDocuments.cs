using System.Net;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// Reads and writes of account partitions (an account's main document, its shards, their entries), through this
/// process's <see cref="AccountDocumentCache"/>. An account document is never upserted: a creation that meets one
/// keeps it, and every change is a compare-and-swap on its ETag.
/// </summary>
internal sealed class AccountDocuments(Container accounts)
{
    private readonly AccountDocumentCache cache = new();

    /// <summary>The accounts container, for batches and queries that span documents of one partition.</summary>
    public Container Container => accounts;

    public async Task<AccountDocument?> ReadAsync(string partition, CancellationToken cancellationToken)
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

    /// <summary>This process's last copy, or a read: good for what does not decide a refusal (see <see cref="AccountDocumentCache"/>).</summary>
    public async Task<AccountDocument?> ReadCachedAsync(string partition, CancellationToken cancellationToken) =>
        cache.Get(partition) ?? await ReadAsync(partition, cancellationToken);

    /// <summary>Keeps a document this process wrote (its new ETag) as the partition's last copy.</summary>
    public void Remember(AccountDocument document) => cache.Set(document);

    /// <summary>Queues this process's writers to one partition (other processes are held off by the ETag).</summary>
    public Task<IDisposable> LockAsync(string partition, CancellationToken cancellationToken) => cache.LockAsync(partition, cancellationToken);

    /// <summary>
    /// An account partition a side writes to, which must exist: a shard that a creation which died half-way did not
    /// open is opened now, from the main document.
    /// </summary>
    public async Task<AccountDocument> ReadPartitionAsync(string partition, bool cached, CancellationToken cancellationToken)
    {
        var document = cached ? await ReadCachedAsync(partition, cancellationToken) : await ReadAsync(partition, cancellationToken);
        if (document is not null)
        {
            return document;
        }

        var (account, shard) = ParsePartition(partition);
        var main = shard == 0 ? null : await ReadCachedAsync(AccountPartition(account, 0), cancellationToken);
        return main is not null && shard < main.Shards
            ? await OpenShardAsync(main, shard, cancellationToken)
            : throw new InvalidOperationException($"Account partition {partition} does not exist.");
    }

    /// <summary>The main account document and, for a sharded account, its other shards; empty when it does not exist.</summary>
    public async Task<IReadOnlyList<AccountDocument>> ReadShardsAsync(LedgerId id, CancellationToken cancellationToken)
    {
        var main = await ReadAsync(AccountPartition(id, 0), cancellationToken);
        if (main is null)
        {
            return [];
        }

        if (main.Shards == 1)
        {
            return [main];
        }

        var rest = await accounts.ReadManyItemsAsync<AccountDocument>(OtherShards(id, main.Shards), cancellationToken: cancellationToken);
        return [main, .. rest.OrderBy(s => s.Shard)];
    }

    /// <summary>Opens every shard of the account that is not open yet (none for an ordinary account).</summary>
    public async Task EnsureShardsAsync(AccountDocument main, CancellationToken cancellationToken)
    {
        if (main.Shards == 1)
        {
            return;
        }

        var open = await accounts.ReadManyItemsAsync<AccountDocument>(OtherShards(ParseId(main.AccountId), main.Shards), cancellationToken: cancellationToken);
        foreach (var shard in Enumerable.Range(1, main.Shards - 1).Where(k => !open.Any(d => d.Shard == k)))
        {
            await OpenShardAsync(main, shard, cancellationToken);
        }
    }

    /// <summary>Creates an account document. Never an upsert: an account document that exists is never written over by a creation.</summary>
    public async Task<AccountDocument> CreateAsync(AccountDocument document, CancellationToken cancellationToken)
    {
        var created = (await accounts.CreateItemAsync(document, Key(document.Pk), cancellationToken: cancellationToken)).Resource;
        cache.Set(created);
        return created;
    }

    public Task<EntryDocument?> ReadEntryAsync(string partition, string entryId, CancellationToken cancellationToken) =>
        accounts.ReadOrNullAsync<EntryDocument>(entryId, partition, cancellationToken);

    /// <summary>
    /// Compare-and-swap on an account document (no entry): <paramref name="change"/> returns null to give up. Returns
    /// the document as last read, and the one written (null when the change gave up).
    /// </summary>
    public async Task<(AccountDocument Current, AccountDocument? Written)> UpdateAsync(
        string partition, Func<AccountDocument, AccountDocument?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            var current = await ReadAsync(partition, cancellationToken)
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

    /// <summary>Creates one shard from the main document; if another writer opened it first, that one stands.</summary>
    private async Task<AccountDocument> OpenShardAsync(AccountDocument main, int shard, CancellationToken cancellationToken)
    {
        var document = main.ShardOf(shard);
        try
        {
            return await CreateAsync(document, cancellationToken);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return await ReadAsync(document.Pk, cancellationToken)
                ?? throw new InvalidOperationException($"Account partition {document.Pk} conflicted on create but cannot be read.");
        }
    }

    private static List<(string, PartitionKey)> OtherShards(LedgerId id, int shards) =>
        [.. Enumerable.Range(1, shards - 1).Select(shard => (AccountDocument.DocumentId, Key(AccountPartition(id, shard))))];
}
