using System.Net;
using Microsoft.Azure.Cosmos;

namespace Pipeline.Cosmos.EmulatorTests;

[Collection(EmulatorCollection.Name)]
public sealed class PatchTests(EmulatorFixture emulator)
{
    [Fact]
    public async Task Increment_set_add_replace_and_remove_apply_in_order()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");
        await container.CreateItemAsync(new Account("a", "p1", 10), pk);

        var patched = await container.PatchItemAsync<Dictionary<string, object>>("a", pk,
        [
            PatchOperation.Increment("/balance", 5),
            PatchOperation.Set("/status", "frozen"),
            PatchOperation.Add("/tags", new[] { "x" }),
            PatchOperation.Add("/tags/-", "y"),
            PatchOperation.Replace("/version", 2),
            PatchOperation.Remove("/tags/0"),
        ]);

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var read = await container.ReadItemAsync<Account>("a", pk);
        Assert.Equal(new Account("a", "p1", 15, "frozen", 2), read.Resource);
        Assert.Equal(read.ETag, patched.ETag);
        using var raw = await container.ReadItemStreamAsync("a", pk);
        var document = await new StreamReader(raw.Content).ReadToEndAsync();
        Assert.Contains("\"tags\":[\"y\"]", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_false_filter_predicate_is_412_and_changes_nothing()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");
        await container.CreateItemAsync(new Account("a", "p1", 10, "Open"), pk);

        await PointOperationTests.AssertStatusAsync(HttpStatusCode.PreconditionFailed, () =>
            container.PatchItemAsync<Account>("a", pk, [PatchOperation.Increment("/balance", -20)],
                new PatchItemRequestOptions { FilterPredicate = "FROM c WHERE c.balance >= 20" }));
        var accepted = await container.PatchItemAsync<Account>("a", pk, [PatchOperation.Increment("/balance", -10)],
            new PatchItemRequestOptions { FilterPredicate = "FROM account WHERE account.balance >= 10 AND account.status = 'Open'" });

        Assert.Equal(0, accepted.Resource.Balance);
    }

    [Fact]
    public async Task A_stale_if_match_is_412_and_a_missing_item_is_404()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");
        var created = await container.CreateItemAsync(new Account("a", "p1", 10), pk);
        await container.PatchItemAsync<Account>("a", pk, [PatchOperation.Increment("/balance", 1)]);

        await PointOperationTests.AssertStatusAsync(HttpStatusCode.PreconditionFailed, () =>
            container.PatchItemAsync<Account>("a", pk, [PatchOperation.Increment("/balance", 1)], new PatchItemRequestOptions { IfMatchEtag = created.ETag }));
        await PointOperationTests.AssertStatusAsync(HttpStatusCode.NotFound, () =>
            container.PatchItemAsync<Account>("missing", pk, [PatchOperation.Increment("/balance", 1)]));

        Assert.Equal(11, (await container.ReadItemAsync<Account>("a", pk)).Resource.Balance);
    }

    [Fact]
    public async Task Patching_the_partition_key_is_refused()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");
        await container.CreateItemAsync(new Account("a", "p1", 10), pk);

        await PointOperationTests.AssertStatusAsync(HttpStatusCode.BadRequest, () =>
            container.PatchItemAsync<Account>("a", pk, [PatchOperation.Set("/pk", "p2")]));
    }
}
