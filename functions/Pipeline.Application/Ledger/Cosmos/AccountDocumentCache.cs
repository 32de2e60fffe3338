using System.Collections.Concurrent;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// The last account document this process read or wrote, per partition, and a lock per partition. A write starts
/// from the cached copy and its ETag; if another writer got there first the batch fails with 412 and the writer
/// reads again, so the cache can be stale but never wrong; a refusal is only ever written against the account as it
/// stands (see PartitionWriter.ApplyAsync), never decided on this copy. The lock queues this process's writers
/// to one account instead of letting them race each other into 412s; other processes are still held off by the ETag.
/// </summary>
internal sealed class AccountDocumentCache
{
    private const int LockStripes = 1024;

    private readonly ConcurrentDictionary<string, AccountDocument> documents = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim[] locks = [.. Enumerable.Range(0, LockStripes).Select(_ => new SemaphoreSlim(1, 1))];

    public AccountDocument? Get(string partition) => documents.GetValueOrDefault(partition);

    /// <summary>Keeps the document unless a newer revision of it is already here (a slow read finishing late).</summary>
    public void Set(AccountDocument document) =>
        documents.AddOrUpdate(document.Pk, document, (_, cached) => document.Revision >= cached.Revision ? document : cached);

    public void Forget(string partition) => documents.TryRemove(partition, out _);

    public async Task<IDisposable> LockAsync(string partition, CancellationToken cancellationToken)
    {
        var stripe = locks[(int)((uint)StringComparer.Ordinal.GetHashCode(partition) % LockStripes)];
        await stripe.WaitAsync(cancellationToken);
        return new Releaser(stripe);
    }

    private sealed class Releaser(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }
}
