using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Composition;
using Pipeline.Application.Cosmos;

namespace Pipeline.Infrastructure.Tests;

/// <summary>
/// Every container of CosmosContainerCatalog is declared in infra/app/cosmos.bicep with the same name, partition
/// key, TTL, unique keys and composite indexes, and infra declares no container the code does not use.
/// </summary>
[Collection(CompiledInfrastructureCollection.Name)]
public sealed class CosmosContainersContractTests(CompiledInfrastructure infra)
{
    private const string ContainerType = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers";

    private Dictionary<string, JsonObject> Declared() =>
        infra.Expanded("cosmos", ContainerType).ToDictionary(
            c => c["properties"]!["resource"]!["id"]!.GetValue<string>(),
            c => c["properties"]!["resource"]!.AsObject());

    public static TheoryData<string> CatalogContainers() => new(CosmosContainerCatalog.All.Select(c => c.Id));

    private static ContainerProperties InCatalog(string id) => CosmosContainerCatalog.All.Single(c => c.Id == id);

    /// <summary>
    /// The ledger decides "not found" and judges claims and refusals on reads; only Strong consistency makes another
    /// instance's write visible to every read (a session read may be served by a replica that has not received it).
    /// </summary>
    [Fact]
    public void The_account_is_strongly_consistent() =>
        Assert.Equal("Strong", infra.Single("cosmos", "Microsoft.DocumentDB/databaseAccounts")["properties"]!["consistencyPolicy"]!["defaultConsistencyLevel"]!.GetValue<string>());

    [Theory]
    [MemberData(nameof(CatalogContainers))]
    public void Container_is_declared_with_its_partition_key(string id)
    {
        var declared = Declared();
        Assert.True(declared.ContainsKey(id), $"infra/app/cosmos.bicep does not declare container '{id}'.");
        var paths = declared[id]["partitionKey"]!["paths"]!.AsArray().Select(p => p!.GetValue<string>());
        Assert.Equal([InCatalog(id).PartitionKeyPath], paths);
    }

    [Theory]
    [MemberData(nameof(CatalogContainers))]
    public void Container_has_the_same_time_to_live(string id)
    {
        var ttl = Declared()[id]["defaultTtl"];
        Assert.Equal(InCatalog(id).DefaultTimeToLive, ttl is null ? null : ttl.GetValue<int>());
    }

    [Theory]
    [MemberData(nameof(CatalogContainers))]
    public void Container_has_the_same_unique_keys(string id)
    {
        var expected = InCatalog(id).UniqueKeyPolicy.UniqueKeys.Select(k => string.Join(",", k.Paths));
        var actual = Declared()[id]["uniqueKeyPolicy"]!["uniqueKeys"]!.AsArray()
            .Select(k => string.Join(",", k!["paths"]!.AsArray().Select(p => p!.GetValue<string>())));
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CatalogContainers))]
    public void Container_has_the_same_composite_indexes(string id)
    {
        var expected = InCatalog(id).IndexingPolicy.CompositeIndexes
            .Select(index => string.Join(",", index.Select(p => $"{p.Path} {p.Order.ToString().ToLowerInvariant()}")));
        var actual = Declared()[id]["indexingPolicy"]!["compositeIndexes"]!.AsArray()
            .Select(index => string.Join(",", index!.AsArray().Select(p => $"{p!["path"]} {p["order"]}")));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(CatalogContainers))]
    public void Container_indexes_what_the_catalog_indexes(string id)
    {
        var policy = InCatalog(id).IndexingPolicy;
        var declared = Declared()[id]["indexingPolicy"]!;
        var included = declared["includedPaths"]!.AsArray().Select(p => p!["path"]!.GetValue<string>()).ToList();
        var excluded = declared["excludedPaths"]!.AsArray().Select(p => p!["path"]!.GetValue<string>()).ToList();
        Assert.Equal(policy.IncludedPaths.Count == 0 ? ["/*"] : policy.IncludedPaths.Select(p => p.Path), included);
        Assert.All(policy.ExcludedPaths, p => Assert.Contains(p.Path, excluded));
        Assert.Equal(policy.IndexingMode.ToString().ToLowerInvariant(), declared["indexingMode"]!.GetValue<string>());
    }

    [Fact]
    public void Infra_declares_no_container_the_code_does_not_use()
    {
        var unused = Declared().Keys.Except(CosmosContainerCatalog.All.Select(c => c.Id)).ToList();
        Assert.True(unused.Count == 0, $"infra declares containers the code does not use: {string.Join(", ", unused)}");
    }

    [Fact]
    public void Database_name_is_the_default_of_the_options()
    {
        var id = infra.Single("cosmos", "Microsoft.DocumentDB/databaseAccounts/sqlDatabases")["properties"]!["resource"]!["id"]!.GetValue<string>();
        Assert.Equal("[parameters('databaseName')]", id);
        Assert.Equal("[variables('names').cosmosDatabase]", infra.Module("cosmos")["properties"]!["parameters"]!["databaseName"]!["value"]!.GetValue<string>());
        var name = ArmExpression.Evaluate(infra.Main["variables"]!["names"]!["cosmosDatabase"], infra.Main["variables"]!.AsObject())!.GetValue<string>();
        Assert.Equal(new CosmosOptions().DatabaseName, name);
    }
}
