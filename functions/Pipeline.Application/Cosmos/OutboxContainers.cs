using System.Collections.ObjectModel;
using Microsoft.Azure.Cosmos;

namespace Pipeline.Application.Cosmos;

/// <summary>The layout of a container of merchants' resources with their outbox events beside them (payments, charging sessions, settlements).</summary>
public static class OutboxContainers
{
    /// <summary>
    /// One partition per merchant. The resources never expire; their events carry a ttl, and a default of -1 makes only
    /// those expire. The composite index serves the resource list's ORDER BY createdMicros DESC, id DESC.
    /// </summary>
    public static ContainerProperties ListedNewestFirst(string containerName)
    {
        var properties = new ContainerProperties(containerName, "/merchantId") { DefaultTimeToLive = -1 };
        properties.IndexingPolicy.CompositeIndexes.Add(new Collection<CompositePath>
        {
            new() { Path = "/createdMicros", Order = CompositePathSortOrder.Descending },
            new() { Path = "/id", Order = CompositePathSortOrder.Descending },
        });
        return properties;
    }
}
