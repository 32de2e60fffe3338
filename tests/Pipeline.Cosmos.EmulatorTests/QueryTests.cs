using Microsoft.Azure.Cosmos;

namespace Pipeline.Cosmos.EmulatorTests;

[Collection(EmulatorCollection.Name)]
public sealed class QueryTests(EmulatorFixture emulator)
{
    private static readonly string[] Partitions = ["p1", "p2", "p3"];

    /// <summary>Ten accounts per partition; balance = 10 * partition index + item index.</summary>
    private async Task<Container> SeededContainerAsync()
    {
        var container = await emulator.CreateContainerAsync();
        for (var p = 0; p < Partitions.Length; p++)
        {
            for (var i = 0; i < 10; i++)
            {
                var status = i % 2 == 0 ? "open" : "closed";
                await container.CreateItemAsync(new Account($"a{i}", Partitions[p], (10 * p) + i, status), new PartitionKey(Partitions[p]));
            }
        }

        return container;
    }

    [Fact]
    public async Task A_single_partition_query_sees_only_its_partition()
    {
        var container = await SeededContainerAsync();
        var query = new QueryDefinition("SELECT * FROM c WHERE c.status = @status").WithParameter("@status", "open");

        var items = await ReadAllAsync<Account>(container, query, new QueryRequestOptions { PartitionKey = new PartitionKey("p2") });

        Assert.Equal(5, items.Count);
        Assert.All(items, item => Assert.Equal("p2", item.Pk));
    }

    /// <summary>
    /// The 63rd database of an emulator run is the first whose resource id, in plain base64, holds a "/"; the
    /// SDK addresses a cross-partition query's partition key ranges by that id. Ids are written as Cosmos DB
    /// writes them ("-" for "/"), so a query in the 100th database works like one in the first.
    /// </summary>
    [Fact]
    public async Task A_cross_partition_query_works_in_every_database_however_many_there_are()
    {
        for (var i = 0; i < 100; i++)
        {
            Database database = await emulator.Client.CreateDatabaseAsync(EmulatorFixture.UniqueName("many"));
            Container container = await database.CreateContainerAsync(EmulatorFixture.UniqueName("c"), "/pk");
            await container.CreateItemAsync(new Account("a", "p1", 1, "open"), new PartitionKey("p1"));
            var items = await ReadAllAsync<Account>(container, new QueryDefinition("SELECT * FROM c"), null);
            Assert.Single(items);
        }
    }

    [Fact]
    public async Task A_cross_partition_query_sees_every_partition()
    {
        var container = await SeededContainerAsync();

        var items = await ReadAllAsync<Account>(container, new QueryDefinition("SELECT * FROM c WHERE c.balance >= 5"));

        Assert.Equal(25, items.Count);
    }

    [Fact]
    public async Task Order_by_is_honoured_in_and_across_partitions()
    {
        var container = await SeededContainerAsync();
        var query = new QueryDefinition("SELECT * FROM c ORDER BY c.balance DESC");

        var all = await ReadAllAsync<Account>(container, query);
        var one = await ReadAllAsync<Account>(container, query, new QueryRequestOptions { PartitionKey = new PartitionKey("p1") });

        Assert.Equal(Enumerable.Range(0, 30).Reverse().Select(b => (long)b), all.Select(a => a.Balance));
        Assert.Equal(Enumerable.Range(0, 10).Reverse().Select(b => (long)b), one.Select(a => a.Balance));
    }

    [Fact]
    public async Task Count_and_sum_aggregate_in_and_across_partitions()
    {
        var container = await SeededContainerAsync();

        var countAll = await ReadAllAsync<long>(container, new QueryDefinition("SELECT VALUE COUNT(1) FROM c"));
        var countOne = await ReadAllAsync<long>(container, new QueryDefinition("SELECT VALUE COUNT(1) FROM c"),
            new QueryRequestOptions { PartitionKey = new PartitionKey("p3") });
        var sumOpen = await ReadAllAsync<long>(container, new QueryDefinition("SELECT VALUE SUM(c.balance) FROM c WHERE c.status = 'open'"));
        var sumOne = await ReadAllAsync<long>(container, new QueryDefinition("SELECT VALUE SUM(c.balance) FROM c"),
            new QueryRequestOptions { PartitionKey = new PartitionKey("p2") });

        Assert.Equal([30L], countAll);
        Assert.Equal([10L], countOne);
        Assert.Equal([0L + 2 + 4 + 6 + 8 + 10 + 12 + 14 + 16 + 18 + 20 + 22 + 24 + 26 + 28], sumOpen);
        Assert.Equal([Enumerable.Range(10, 10).Sum(b => (long)b)], sumOne);
    }

    [Fact]
    public async Task Non_value_aggregates_come_back_as_objects()
    {
        var container = await SeededContainerAsync();

        var rows = await ReadAllAsync<Totals>(container, new QueryDefinition("SELECT COUNT(1) AS n, SUM(c.balance) AS total FROM c"));

        Assert.Equal([new Totals(30, 435)], rows);
    }

    [Fact]
    public async Task Paging_with_max_item_count_follows_continuation_tokens()
    {
        var container = await SeededContainerAsync();
        var query = new QueryDefinition("SELECT * FROM c ORDER BY c.balance");
        var seen = new List<long>();
        string? continuation = null;
        var pages = 0;
        do
        {
            using var iterator = container.GetItemQueryIterator<Account>(query, continuation, new QueryRequestOptions { MaxItemCount = 7 });
            var page = await iterator.ReadNextAsync();
            Assert.True(page.Count <= 7);
            seen.AddRange(page.Select(a => a.Balance));
            continuation = page.ContinuationToken;
            pages++;
        }
        while (continuation is not null && pages < 20);

        Assert.Equal(Enumerable.Range(0, 30).Select(b => (long)b), seen);
        Assert.InRange(pages, 5, 6);
    }

    [Fact]
    public async Task Paging_inside_one_partition_follows_continuation_tokens()
    {
        var container = await SeededContainerAsync();
        var options = new QueryRequestOptions { MaxItemCount = 3, PartitionKey = new PartitionKey("p1") };
        using var iterator = container.GetItemQueryIterator<Account>("SELECT * FROM c", requestOptions: options);
        var ids = new List<string>();
        while (iterator.HasMoreResults)
        {
            var page = await iterator.ReadNextAsync();
            Assert.True(page.Count <= 3);
            ids.AddRange(page.Select(a => a.Id));
        }

        Assert.Equal(10, ids.Distinct().Count());
    }

    [Fact]
    public async Task Top_offset_limit_and_distinct_are_evaluated()
    {
        var container = await SeededContainerAsync();

        var top = await ReadAllAsync<long>(container, new QueryDefinition("SELECT TOP 3 VALUE c.balance FROM c ORDER BY c.balance"));
        var window = await ReadAllAsync<long>(container, new QueryDefinition("SELECT VALUE c.balance FROM c ORDER BY c.balance OFFSET 5 LIMIT 2"));
        var statuses = await ReadAllAsync<string>(container, new QueryDefinition("SELECT DISTINCT VALUE c.status FROM c"));

        Assert.Equal([0L, 1, 2], top);
        Assert.Equal([5L, 6], window);
        Assert.Equal(["closed", "open"], statuses.Order());
    }

    [Fact]
    public async Task Read_many_returns_the_named_items_from_several_partitions()
    {
        var container = await SeededContainerAsync();
        var wanted = new List<(string, PartitionKey)>
        {
            ("a1", new PartitionKey("p1")),
            ("a2", new PartitionKey("p2")),
            ("a9", new PartitionKey("p3")),
            ("missing", new PartitionKey("p1")),
        };

        var response = await container.ReadManyItemsAsync<Account>(wanted);

        Assert.Equal([1L, 12, 29], response.Select(a => a.Balance).Order());
    }

    [Fact]
    public async Task Read_many_works_when_the_id_is_the_partition_key()
    {
        var container = await emulator.CreateContainerAsync("/id");
        foreach (var id in new[] { "x", "y", "z" })
        {
            await container.CreateItemAsync(new Account(id, "ignored", id[0]), new PartitionKey(id));
        }

        var response = await container.ReadManyItemsAsync<Account>([("x", new PartitionKey("x")), ("z", new PartitionKey("z")), ("w", new PartitionKey("w"))]);

        Assert.Equal(["x", "z"], response.Select(a => a.Id).Order());
    }

    [Fact]
    public async Task Read_feed_lists_a_partition_or_everything()
    {
        var container = await SeededContainerAsync();

        var one = await ReadAllAsync<Account>(container, null, new QueryRequestOptions { PartitionKey = new PartitionKey("p3"), MaxItemCount = 4 });
        var all = await ReadAllAsync<Account>(container, null, new QueryRequestOptions { MaxItemCount = 8 });

        Assert.Equal(10, one.Count);
        Assert.All(one, a => Assert.Equal("p3", a.Pk));
        Assert.Equal(30, all.Select(a => (a.Pk, a.Id)).Distinct().Count());
    }

    [Fact]
    public async Task Linq_queries_run_through_the_same_path()
    {
        var container = await SeededContainerAsync();
        var queryable = container.GetItemLinqQueryable<Account>(requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey("p1") })
            .Where(a => a.Balance > 6)
            .OrderBy(a => a.Balance);
        using var iterator = Microsoft.Azure.Cosmos.Linq.CosmosLinqExtensions.ToFeedIterator(queryable);

        var balances = new List<long>();
        while (iterator.HasMoreResults)
        {
            balances.AddRange((await iterator.ReadNextAsync()).Select(a => a.Balance));
        }

        Assert.Equal([7L, 8, 9], balances);
    }

    [Fact]
    public async Task A_syntax_error_is_400()
    {
        var container = await SeededContainerAsync();

        var error = await Assert.ThrowsAsync<CosmosException>(() => ReadAllAsync<Account>(container, new QueryDefinition("SELEC * FRM c")));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Fact]
    public async Task Group_by_is_refused_with_a_clear_400_rather_than_answered_wrongly()
    {
        var container = await SeededContainerAsync();

        var error = await Assert.ThrowsAsync<CosmosException>(() =>
            ReadAllAsync<object>(container, new QueryDefinition("SELECT c.status, COUNT(1) AS n FROM c GROUP BY c.status")));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("GROUP BY is not supported", error.Message, StringComparison.Ordinal);
    }

    internal static async Task<List<T>> ReadAllAsync<T>(Container container, QueryDefinition? query, QueryRequestOptions? options = null)
    {
        using var iterator = container.GetItemQueryIterator<T>(query, requestOptions: options);
        var items = new List<T>();
        while (iterator.HasMoreResults)
        {
            items.AddRange(await iterator.ReadNextAsync());
        }

        return items;
    }

    private sealed record Totals(long N, long Total);
}
