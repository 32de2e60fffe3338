using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;

namespace Pipeline.Application.Charging;

/// <summary>
/// A merchant's (charge point operator's) OCPI tariffs, one document per tariff id in the merchant's partition. A PUT
/// replaces the whole tariff, as OCPI's own PUT does; sessions price with the tariff as it was when they started
/// (they keep a copy), so replacing one never changes a running session's price.
/// </summary>
public sealed class TariffStore(Database database, TimeProvider time)
{
    public const string ContainerName = "tariffs";

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties() => new(ContainerName, "/merchantId");

    /// <summary>Stores the tariff under <paramref name="id"/>, its id and last_updated set; true when it did not exist before.</summary>
    public async Task<(OcpiTariff Tariff, bool Created)> PutAsync(string merchantId, string id, OcpiTariff tariff, CancellationToken cancellationToken)
    {
        var stored = tariff with { Id = id, LastUpdated = time.GetUtcNow() };
        var response = await container.UpsertItemAsync(new TariffDocument(id, merchantId, stored), new PartitionKey(merchantId), cancellationToken: cancellationToken);
        return (stored, response.StatusCode == System.Net.HttpStatusCode.Created);
    }

    public async Task<OcpiTariff?> GetAsync(string merchantId, string id, CancellationToken cancellationToken) =>
        (await container.ReadOrNullAsync<TariffDocument>(id, merchantId, cancellationToken))?.Tariff;

    /// <summary>What a page's <c>nextCursor</c> starts with; the tariff id follows.</summary>
    public const string CursorPrefix = "tariff:";

    /// <summary>The merchant's tariffs by id, <paramref name="limit"/> at a time after the tariff id <paramref name="after"/>.</summary>
    public async Task<TariffsPage> ListAsync(string merchantId, int limit, string? after, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, ChargingLimits.PageSizeMax);
        var query = new QueryDefinition($"SELECT TOP {limit + 1} * FROM c WHERE c.id > @after ORDER BY c.id ASC").WithParameter("@after", after ?? "");
        var found = await container.QueryAllAsync<TariffDocument>(query, new QueryRequestOptions { PartitionKey = new PartitionKey(merchantId) }, cancellationToken);
        var page = found.Take(limit).ToList();
        return new TariffsPage([.. page.Select(d => d.Tariff)], found.Count > limit ? CursorPrefix + page[^1].Id : null);
    }

    private sealed record TariffDocument(string Id, string MerchantId, OcpiTariff Tariff);
}
