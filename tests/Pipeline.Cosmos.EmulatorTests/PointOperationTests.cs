using System.Net;
using Microsoft.Azure.Cosmos;

namespace Pipeline.Cosmos.EmulatorTests;

[Collection(EmulatorCollection.Name)]
public sealed class PointOperationTests(EmulatorFixture emulator)
{
    [Fact]
    public async Task Create_read_replace_upsert_delete_round_trip()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");

        var created = await container.CreateItemAsync(new Account("a1", "p1", 100), pk);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.False(string.IsNullOrEmpty(created.ETag));

        var read = await container.ReadItemAsync<Account>("a1", pk);
        Assert.Equal(100, read.Resource.Balance);
        Assert.Equal(created.ETag, read.ETag);

        var replaced = await container.ReplaceItemAsync(read.Resource with { Balance = 150 }, "a1", pk);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.NotEqual(created.ETag, replaced.ETag);

        var upsertedNew = await container.UpsertItemAsync(new Account("a2", "p1", 7), pk);
        Assert.Equal(HttpStatusCode.Created, upsertedNew.StatusCode);
        var upsertedExisting = await container.UpsertItemAsync(new Account("a2", "p1", 8), pk);
        Assert.Equal(HttpStatusCode.OK, upsertedExisting.StatusCode);
        Assert.Equal(8, (await container.ReadItemAsync<Account>("a2", pk)).Resource.Balance);

        var deleted = await container.DeleteItemAsync<Account>("a1", pk);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertStatusAsync(HttpStatusCode.NotFound, () => container.ReadItemAsync<Account>("a1", pk));
    }

    [Fact]
    public async Task Reading_a_missing_item_is_404_not_500()
    {
        var container = await emulator.CreateContainerAsync();

        await AssertStatusAsync(HttpStatusCode.NotFound, () => container.ReadItemAsync<Account>("nope", new PartitionKey("p1")));

        using var stream = await container.ReadItemStreamAsync("nope", new PartitionKey("p1"));
        Assert.Equal(HttpStatusCode.NotFound, stream.StatusCode);
    }

    [Fact]
    public async Task An_item_is_only_found_in_its_own_partition()
    {
        var container = await emulator.CreateContainerAsync();
        await container.CreateItemAsync(new Account("same", "p1", 1), new PartitionKey("p1"));
        await container.CreateItemAsync(new Account("same", "p2", 2), new PartitionKey("p2"));

        Assert.Equal(1, (await container.ReadItemAsync<Account>("same", new PartitionKey("p1"))).Resource.Balance);
        Assert.Equal(2, (await container.ReadItemAsync<Account>("same", new PartitionKey("p2"))).Resource.Balance);
        await AssertStatusAsync(HttpStatusCode.NotFound, () => container.ReadItemAsync<Account>("same", new PartitionKey("p3")));
    }

    [Fact]
    public async Task Creating_a_duplicate_id_in_a_partition_is_409()
    {
        var container = await emulator.CreateContainerAsync();
        await container.CreateItemAsync(new Account("dup", "p1", 1), new PartitionKey("p1"));

        await AssertStatusAsync(HttpStatusCode.Conflict, () => container.CreateItemAsync(new Account("dup", "p1", 2), new PartitionKey("p1")));
        Assert.Equal(1, (await container.ReadItemAsync<Account>("dup", new PartitionKey("p1"))).Resource.Balance);
    }

    [Fact]
    public async Task A_stale_if_match_is_412_and_the_current_one_succeeds()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");
        var first = await container.CreateItemAsync(new Account("a", "p1", 1), pk);
        var second = await container.ReplaceItemAsync(new Account("a", "p1", 2), "a", pk, new ItemRequestOptions { IfMatchEtag = first.ETag });

        await AssertStatusAsync(HttpStatusCode.PreconditionFailed, () =>
            container.ReplaceItemAsync(new Account("a", "p1", 3), "a", pk, new ItemRequestOptions { IfMatchEtag = first.ETag }));
        await AssertStatusAsync(HttpStatusCode.PreconditionFailed, () =>
            container.UpsertItemAsync(new Account("a", "p1", 3), pk, new ItemRequestOptions { IfMatchEtag = first.ETag }));
        await AssertStatusAsync(HttpStatusCode.PreconditionFailed, () =>
            container.DeleteItemAsync<Account>("a", pk, new ItemRequestOptions { IfMatchEtag = first.ETag }));

        var deleted = await container.DeleteItemAsync<Account>("a", pk, new ItemRequestOptions { IfMatchEtag = second.ETag });
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task If_none_match_with_the_current_etag_is_304()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");
        var created = await container.CreateItemAsync(new Account("a", "p1", 1), pk);

        using var unchanged = await container.ReadItemStreamAsync("a", pk, new ItemRequestOptions { IfNoneMatchEtag = created.ETag });
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);

        using var changed = await container.ReadItemStreamAsync("a", pk, new ItemRequestOptions { IfNoneMatchEtag = "\"other\"" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }

    [Fact]
    public async Task Writes_without_content_response_return_no_body_but_an_etag()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");

        var created = await container.CreateItemAsync(new Account("a", "p1", 1), pk, new ItemRequestOptions { EnableContentResponseOnWrite = false });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Null(created.Resource);
        Assert.Equal(created.ETag, (await container.ReadItemAsync<Account>("a", pk)).ETag);
    }

    [Fact]
    public async Task Items_without_the_partition_key_property_are_found_with_PartitionKey_None()
    {
        var container = await emulator.CreateContainerAsync("/tenant");

        await container.CreateItemAsync(new Account("loose", "ignored", 5), PartitionKey.None);

        var read = await container.ReadItemAsync<Account>("loose", PartitionKey.None);
        Assert.Equal(5, read.Resource.Balance);
        await AssertStatusAsync(HttpStatusCode.NotFound, () => container.ReadItemAsync<Account>("loose", new PartitionKey("loose")));
    }

    [Fact]
    public async Task Hierarchical_partition_keys_keep_items_of_each_sub_partition_apart()
    {
        ContainerResponse created = await emulator.Database.CreateContainerAsync(
            new ContainerProperties(EmulatorFixture.UniqueName("h"), ["/tenant", "/user"]));
        var container = created.Container;
        var first = new PartitionKeyBuilder().Add("t1").Add("u1").Build();
        var second = new PartitionKeyBuilder().Add("t1").Add("u2").Build();

        await container.CreateItemAsync(new Tenanted("x", "t1", "u1", 1), first);
        await container.CreateItemAsync(new Tenanted("x", "t1", "u2", 2), second);
        await container.CreateItemAsync(new Tenanted("y", "t2", "u1", 3), new PartitionKeyBuilder().Add("t2").Add("u1").Build());

        Assert.Equal(1, (await container.ReadItemAsync<Tenanted>("x", first)).Resource.Value);
        Assert.Equal(2, (await container.ReadItemAsync<Tenanted>("x", second)).Resource.Value);
        var inSecond = await QueryTests.ReadAllAsync<Tenanted>(container, new QueryDefinition("SELECT * FROM c"), new QueryRequestOptions { PartitionKey = second });
        Assert.Equal([2L], inSecond.Select(t => t.Value));
        var wholeTenant = await QueryTests.ReadAllAsync<Tenanted>(container, new QueryDefinition("SELECT * FROM c"),
            new QueryRequestOptions { PartitionKey = new PartitionKeyBuilder().Add("t1").Build() });
        Assert.Equal([1L, 2], wholeTenant.Select(t => t.Value).Order());
    }

    [Fact]
    public async Task Non_ascii_text_round_trips_through_point_operations_and_batches()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("Zürich");
        const string Status = "geöffnet € 東京";

        await container.CreateItemAsync(new Account("ä", "Zürich", 1, Status), pk);
        using var batch = await container.CreateTransactionalBatch(pk).ReadItem("ä").ExecuteAsync();

        Assert.Equal(Status, (await container.ReadItemAsync<Account>("ä", pk)).Resource.Status);
        Assert.Equal(Status, batch.GetOperationResultAtIndex<Account>(0).Resource.Status);
    }

    [Fact]
    public async Task A_missing_container_is_404()
    {
        var container = emulator.Database.GetContainer(EmulatorFixture.UniqueName("absent"));

        await AssertStatusAsync(HttpStatusCode.NotFound, () => container.ReadItemAsync<Account>("a", new PartitionKey("p1")));
        await AssertStatusAsync(HttpStatusCode.NotFound, () => container.CreateItemAsync(new Account("a", "p1", 1), new PartitionKey("p1")));
    }

    internal static async Task AssertStatusAsync<T>(HttpStatusCode expected, Func<Task<T>> operation)
    {
        var error = await Assert.ThrowsAsync<CosmosException>(async () => await operation());
        Assert.Equal(expected, error.StatusCode);
    }

    private sealed record Tenanted(string Id, string Tenant, string User, long Value);
}
