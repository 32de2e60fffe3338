using System.Net;
using Microsoft.Azure.Cosmos;

namespace Pipeline.Application.Cosmos;

/// <summary>The point operations every store needs, with "not there" as a value instead of an exception.</summary>
public static class ContainerExtensions
{
    /// <summary>The item, or null when it does not exist.</summary>
    public static async Task<T?> ReadOrNullAsync<T>(this Container container, string id, string partition, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(container);
        try
        {
            return (await container.ReadItemAsync<T>(id, new PartitionKey(partition), cancellationToken: cancellationToken)).Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Deletes the item if it is there; true when this call deleted it.</summary>
    /// <param name="ifMatch">When given, only that version is deleted: a document written since is someone else's and stays.</param>
    public static async Task<bool> DeleteIfExistsAsync<T>(this Container container, string id, string partition, CancellationToken cancellationToken, string? ifMatch = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        try
        {
            await container.DeleteItemAsync<T>(id, new PartitionKey(partition), new ItemRequestOptions { IfMatchEtag = ifMatch }, cancellationToken);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }

    /// <summary>
    /// Compare-and-swap: reads the item, replaces it with <paramref name="change"/> of it If-Match its ETag, and
    /// starts over when another writer came first (<see cref="Contention"/>). Returns the item as it was before the
    /// write that won, or null when there is no such item. <paramref name="change"/> must return the item without its ETag.
    /// </summary>
    public static async Task<T?> UpdateAsync<T>(
        this Container container, string id, string partition, Func<T, T> change, Func<T, string?> etagOf, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(etagOf);
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            var current = await container.ReadOrNullAsync<T>(id, partition, cancellationToken);
            if (current is null)
            {
                return null;
            }

            try
            {
                await container.ReplaceItemAsync(change(current), id, new PartitionKey(partition), new ItemRequestOptions { IfMatchEtag = etagOf(current) }, cancellationToken);
                return current;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                // Another writer changed the item since it was read; read it again.
                await Contention.BackOffAsync(attempt, cancellationToken);
            }
        }

        throw new InvalidOperationException($"{typeof(T).Name} {id} kept changing; gave up after {Contention.AttemptsMax} attempts.");
    }

    /// <summary>Every result of the query, all pages read.</summary>
    public static async Task<IReadOnlyList<T>> QueryAllAsync<T>(this Container container, QueryDefinition query, QueryRequestOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        var results = new List<T>();
        using var iterator = container.GetItemQueryIterator<T>(query, requestOptions: options);
        while (iterator.HasMoreResults)
        {
            results.AddRange(await iterator.ReadNextAsync(cancellationToken));
        }

        return results;
    }

    /// <summary>Runs the write; the given status means it was done before (by another writer), which is the same outcome.</summary>
    public static async Task IgnoringAsync(HttpStatusCode status, Func<Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            await write();
        }
        catch (CosmosException e) when (e.StatusCode == status)
        {
            // Done before, by another writer: the outcome is the same.
        }
    }
}
