using System.Net;
using Microsoft.Azure.Cosmos;

namespace Pipeline.Cosmos.EmulatorTests;

[Collection(EmulatorCollection.Name)]
public sealed class BatchTests(EmulatorFixture emulator)
{
    [Fact]
    public async Task A_batch_of_every_operation_kind_applies_all_of_them()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");
        await container.CreateItemAsync(new Account("existing", "p1", 10), pk);
        await container.CreateItemAsync(new Account("doomed", "p1", 0), pk);
        await container.CreateItemAsync(new Account("patched", "p1", 1), pk);

        using var response = await container.CreateTransactionalBatch(pk)
            .CreateItem(new Account("new", "p1", 5))
            .ReadItem("existing")
            .ReplaceItem("existing", new Account("existing", "p1", 11))
            .UpsertItem(new Account("upserted", "p1", 7))
            .DeleteItem("doomed")
            .PatchItem("patched", [PatchOperation.Increment("/balance", 41)])
            .ExecuteAsync();

        Assert.True(response.IsSuccessStatusCode, response.ErrorMessage);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(6, response.Count);
        Assert.Equal(
            [HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent, HttpStatusCode.OK],
            response.Select(r => r.StatusCode));
        Assert.Equal(10, response.GetOperationResultAtIndex<Account>(1).Resource.Balance);
        Assert.Equal(42, response.GetOperationResultAtIndex<Account>(5).Resource.Balance);
        Assert.False(string.IsNullOrEmpty(response[0].ETag));

        Assert.Equal(5, (await container.ReadItemAsync<Account>("new", pk)).Resource.Balance);
        Assert.Equal(11, (await container.ReadItemAsync<Account>("existing", pk)).Resource.Balance);
        Assert.Equal(7, (await container.ReadItemAsync<Account>("upserted", pk)).Resource.Balance);
        Assert.Equal(42, (await container.ReadItemAsync<Account>("patched", pk)).Resource.Balance);
        await PointOperationTests.AssertStatusAsync(HttpStatusCode.NotFound, () => container.ReadItemAsync<Account>("doomed", pk));
    }

    [Theory]
    [InlineData("conflict", HttpStatusCode.Conflict)]
    [InlineData("stale-etag", HttpStatusCode.PreconditionFailed)]
    [InlineData("missing", HttpStatusCode.NotFound)]
    public async Task A_failing_operation_rolls_back_the_whole_batch(string failure, HttpStatusCode expected)
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");
        var original = await container.CreateItemAsync(new Account("existing", "p1", 10), pk);
        await container.ReplaceItemAsync(new Account("existing", "p1", 20), "existing", pk);

        var batch = container.CreateTransactionalBatch(pk)
            .CreateItem(new Account("first", "p1", 1))
            .ReplaceItem("existing", new Account("existing", "p1", 30))
            .UpsertItem(new Account("upserted", "p1", 2));
        batch = failure switch
        {
            "conflict" => batch.CreateItem(new Account("existing", "p1", 0)),
            "stale-etag" => batch.ReplaceItem("existing", new Account("existing", "p1", 40), new TransactionalBatchItemRequestOptions { IfMatchEtag = original.ETag }),
            _ => batch.DeleteItem("missing"),
        };
        batch = batch.CreateItem(new Account("after", "p1", 3));

        using var response = await batch.ExecuteAsync();

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(5, response.Count);
        Assert.Equal(
            [HttpStatusCode.FailedDependency, HttpStatusCode.FailedDependency, HttpStatusCode.FailedDependency, expected, HttpStatusCode.FailedDependency],
            response.Select(r => r.StatusCode));

        Assert.Equal(20, (await container.ReadItemAsync<Account>("existing", pk)).Resource.Balance);
        await PointOperationTests.AssertStatusAsync(HttpStatusCode.NotFound, () => container.ReadItemAsync<Account>("first", pk));
        await PointOperationTests.AssertStatusAsync(HttpStatusCode.NotFound, () => container.ReadItemAsync<Account>("upserted", pk));
        await PointOperationTests.AssertStatusAsync(HttpStatusCode.NotFound, () => container.ReadItemAsync<Account>("after", pk));
        var all = await QueryTests.ReadAllAsync<Account>(container, new QueryDefinition("SELECT * FROM c"));
        Assert.Single(all);
    }

    [Fact]
    public async Task A_rolled_back_replace_keeps_the_previous_etag()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");
        var before = await container.CreateItemAsync(new Account("a", "p1", 1), pk);

        using var response = await container.CreateTransactionalBatch(pk)
            .ReplaceItem("a", new Account("a", "p1", 2))
            .CreateItem(new Account("a", "p1", 3))
            .ExecuteAsync();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var after = await container.ReadItemAsync<Account>("a", pk);
        Assert.Equal(before.ETag, after.ETag);
        var replaced = await container.ReplaceItemAsync(new Account("a", "p1", 4), "a", pk, new ItemRequestOptions { IfMatchEtag = before.ETag });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
    }

    [Fact]
    public async Task Operations_in_a_batch_see_the_writes_before_them()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");

        using var response = await container.CreateTransactionalBatch(pk)
            .CreateItem(new Account("a", "p1", 1))
            .PatchItem("a", [PatchOperation.Increment("/balance", 1)])
            .ReadItem("a")
            .DeleteItem("a")
            .CreateItem(new Account("a", "p1", 9))
            .ExecuteAsync();

        Assert.True(response.IsSuccessStatusCode, response.ErrorMessage);
        Assert.Equal(2, response.GetOperationResultAtIndex<Account>(2).Resource.Balance);
        Assert.Equal(9, (await container.ReadItemAsync<Account>("a", pk)).Resource.Balance);
    }

    [Fact]
    public async Task A_batch_of_100_operations_succeeds()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("big");
        var batch = container.CreateTransactionalBatch(pk);
        for (var i = 0; i < 100; i++)
        {
            batch = batch.CreateItem(new Account($"a{i}", "big", i));
        }

        using var response = await batch.ExecuteAsync();

        Assert.True(response.IsSuccessStatusCode, response.ErrorMessage);
        Assert.Equal(100, response.Count);
        var total = await QueryTests.ReadAllAsync<long>(container, new QueryDefinition("SELECT VALUE SUM(c.balance) FROM c"),
            new QueryRequestOptions { PartitionKey = pk });
        Assert.Equal([4950L], total);
    }

    [Fact]
    public async Task A_batch_of_more_than_100_operations_is_refused_and_nothing_is_written()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("big");
        var batch = container.CreateTransactionalBatch(pk);
        for (var i = 0; i < 101; i++)
        {
            batch = batch.CreateItem(new Account($"a{i}", "big", i));
        }

        using var response = await batch.ExecuteAsync();

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await QueryTests.ReadAllAsync<Account>(container, new QueryDefinition("SELECT * FROM c")));
    }

    [Fact]
    public async Task Patch_in_a_batch_honours_its_filter_predicate()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");
        await container.CreateItemAsync(new Account("a", "p1", 5), pk);

        using var refused = await container.CreateTransactionalBatch(pk)
            .PatchItem("a", [PatchOperation.Increment("/balance", -10)],
                new TransactionalBatchPatchItemRequestOptions { FilterPredicate = "FROM c WHERE c.balance >= 10" })
            .ExecuteAsync();
        using var accepted = await container.CreateTransactionalBatch(pk)
            .PatchItem("a", [PatchOperation.Increment("/balance", -5)],
                new TransactionalBatchPatchItemRequestOptions { FilterPredicate = "FROM c WHERE c.balance >= 5" })
            .ExecuteAsync();

        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.True(accepted.IsSuccessStatusCode, accepted.ErrorMessage);
        Assert.Equal(0, (await container.ReadItemAsync<Account>("a", pk)).Resource.Balance);
    }

    [Fact]
    public async Task A_batch_without_content_response_returns_etags_only()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");

        using var response = await container.CreateTransactionalBatch(pk)
            .CreateItem(new Account("a", "p1", 1))
            .UpsertItem(new Account("b", "p1", 2))
            .ExecuteAsync(new TransactionalBatchRequestOptions());
        using var minimal = await container.CreateTransactionalBatch(pk)
            .ReplaceItem("a", new Account("a", "p1", 3), new TransactionalBatchItemRequestOptions { EnableContentResponseOnWrite = false })
            .ReadItem("b")
            .ExecuteAsync();

        Assert.True(minimal.IsSuccessStatusCode, minimal.ErrorMessage);
        Assert.False(string.IsNullOrEmpty(minimal[0].ETag));
        Assert.Null(minimal[0].ResourceStream);
        Assert.Equal(2, minimal.GetOperationResultAtIndex<Account>(1).Resource.Balance);
        Assert.Equal((await container.ReadItemAsync<Account>("a", pk)).ETag, minimal[0].ETag);
    }

    [Fact]
    public async Task A_document_from_another_partition_in_a_batch_is_rejected()
    {
        var container = await emulator.CreateContainerAsync();

        using var response = await container.CreateTransactionalBatch(new PartitionKey("p1"))
            .CreateItem(new Account("a", "p1", 1))
            .CreateItem(new Account("b", "p2", 1))
            .ExecuteAsync();

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await QueryTests.ReadAllAsync<Account>(container, new QueryDefinition("SELECT * FROM c")));
    }

    [Fact]
    public async Task Bulk_execution_sends_batches_that_apply_each_operation_on_its_own()
    {
        using var bulkClient = emulator.CreateClient(options => options.AllowBulkExecution = true);
        var template = await emulator.CreateContainerAsync();
        var container = bulkClient.GetContainer(emulator.Database.Id, template.Id);
        await container.CreateItemAsync(new Account("taken", "p3", 0), new PartitionKey("p3"));

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            var pk = $"p{i % 4}";
            try
            {
                var response = await container.CreateItemAsync(new Account(i == 3 ? "taken" : $"a{i}", pk, i), new PartitionKey(pk));
                return response.StatusCode;
            }
            catch (CosmosException error)
            {
                return error.StatusCode;
            }
        }));

        Assert.Equal(199, results.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(HttpStatusCode.Conflict, results[3]);
        var count = await QueryTests.ReadAllAsync<long>(container, new QueryDefinition("SELECT VALUE COUNT(1) FROM c"));
        Assert.Equal([200L], count);
    }
}
