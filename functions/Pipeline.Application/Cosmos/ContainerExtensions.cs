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
    public static async Task<bool> DeleteIfExistsAsync<T>(this Container container, string id, string partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        try
        {
            await container.DeleteItemAsync<T>(id, new PartitionKey(partition), cancellationToken: cancellationToken);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
