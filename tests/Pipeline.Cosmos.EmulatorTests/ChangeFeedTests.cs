using System.Net;
using Microsoft.Azure.Cosmos;

namespace Pipeline.Cosmos.EmulatorTests;

[Collection(EmulatorCollection.Name)]
public sealed class ChangeFeedTests(EmulatorFixture emulator)
{
    [Fact]
    public async Task Reading_from_the_beginning_returns_every_write_then_reports_caught_up()
    {
        var container = await emulator.CreateContainerAsync();
        await container.CreateItemAsync(new Account("a", "p1", 1), new PartitionKey("p1"));
        await container.CreateItemAsync(new Account("b", "p2", 2), new PartitionKey("p2"));
        await container.UpsertItemAsync(new Account("a", "p1", 3), new PartitionKey("p1"));

        var (changes, continuation) = await DrainAsync(container, ChangeFeedStartFrom.Beginning());

        Assert.Equal(["b", "a"], changes.Select(c => c.Id));
        Assert.Equal(3, changes.Single(c => c.Id == "a").Balance);

        var (none, _) = await DrainAsync(container, ChangeFeedStartFrom.ContinuationToken(continuation));
        Assert.Empty(none);
    }

    [Fact]
    public async Task A_continuation_resumes_after_the_changes_already_read()
    {
        var container = await emulator.CreateContainerAsync();
        await container.CreateItemAsync(new Account("a", "p1", 1), new PartitionKey("p1"));
        var (_, continuation) = await DrainAsync(container, ChangeFeedStartFrom.Beginning());

        await container.CreateItemAsync(new Account("b", "p1", 2), new PartitionKey("p1"));
        await container.PatchItemAsync<Account>("a", new PartitionKey("p1"), [PatchOperation.Increment("/balance", 10)]);
        var (changes, next) = await DrainAsync(container, ChangeFeedStartFrom.ContinuationToken(continuation));

        Assert.Equal(["b", "a"], changes.Select(c => c.Id));
        Assert.Equal(11, changes[1].Balance);
        var (none, _) = await DrainAsync(container, ChangeFeedStartFrom.ContinuationToken(next));
        Assert.Empty(none);
    }

    [Fact]
    public async Task Starting_now_skips_earlier_writes()
    {
        var container = await emulator.CreateContainerAsync();
        await container.CreateItemAsync(new Account("old", "p1", 1), new PartitionKey("p1"));
        var (none, continuation) = await DrainAsync(container, ChangeFeedStartFrom.Now());

        await container.CreateItemAsync(new Account("new", "p1", 2), new PartitionKey("p1"));
        var (changes, _) = await DrainAsync(container, ChangeFeedStartFrom.ContinuationToken(continuation));

        Assert.Empty(none);
        Assert.Equal(["new"], changes.Select(c => c.Id));
    }

    [Fact]
    public async Task Pages_respect_the_page_size()
    {
        var container = await emulator.CreateContainerAsync();
        for (var i = 0; i < 25; i++)
        {
            await container.CreateItemAsync(new Account($"a{i:D2}", "p1", i), new PartitionKey("p1"));
        }

        var pages = new List<int>();
        using var iterator = container.GetChangeFeedIterator<Account>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion,
            new ChangeFeedRequestOptions { PageSizeHint = 10 });
        var ids = new List<string>();
        while (iterator.HasMoreResults)
        {
            var page = await iterator.ReadNextAsync();
            if (page.StatusCode == HttpStatusCode.NotModified)
            {
                break;
            }

            pages.Add(page.Count);
            ids.AddRange(page.Select(a => a.Id));
        }

        Assert.Equal([10, 10, 5], pages);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"a{i:D2}"), ids);
    }

    [Fact]
    public async Task A_feed_scoped_to_one_partition_key_sees_only_that_partition()
    {
        var container = await emulator.CreateContainerAsync();
        await container.CreateItemAsync(new Account("a", "p1", 1), new PartitionKey("p1"));
        await container.CreateItemAsync(new Account("b", "p2", 2), new PartitionKey("p2"));
        await container.CreateItemAsync(new Account("c", "p1", 3), new PartitionKey("p1"));

        var (changes, continuation) = await DrainAsync(container, ChangeFeedStartFrom.Beginning(FeedRange.FromPartitionKey(new PartitionKey("p1"))));
        await container.CreateItemAsync(new Account("d", "p2", 4), new PartitionKey("p2"));
        await container.CreateItemAsync(new Account("e", "p1", 5), new PartitionKey("p1"));
        var (later, _) = await DrainAsync(container, ChangeFeedStartFrom.ContinuationToken(continuation));

        Assert.Equal(["a", "c"], changes.Select(c => c.Id));
        Assert.Equal(["e"], later.Select(c => c.Id));
    }

    [Fact]
    public async Task Writes_rolled_back_by_a_failed_batch_never_appear()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");
        await container.CreateItemAsync(new Account("a", "p1", 1), pk);
        var (_, continuation) = await DrainAsync(container, ChangeFeedStartFrom.Beginning());

        using var failed = await container.CreateTransactionalBatch(pk)
            .CreateItem(new Account("ghost", "p1", 1))
            .CreateItem(new Account("a", "p1", 1))
            .ExecuteAsync();
        var (changes, _) = await DrainAsync(container, ChangeFeedStartFrom.ContinuationToken(continuation));

        Assert.False(failed.IsSuccessStatusCode);
        Assert.Empty(changes);
    }

    /// <summary>Reads until the feed reports 304 (caught up); returns the changes and the continuation to resume from.</summary>
    private static async Task<(List<Account> Changes, string Continuation)> DrainAsync(Container container, ChangeFeedStartFrom start)
    {
        using var iterator = container.GetChangeFeedIterator<Account>(start, ChangeFeedMode.LatestVersion);
        var changes = new List<Account>();
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await iterator.ReadNextAsync();
            if (page.StatusCode == HttpStatusCode.NotModified)
            {
                return (changes, page.ContinuationToken);
            }

            changes.AddRange(page);
        }

        throw new InvalidOperationException("The change feed never reported that it was caught up.");
    }
}
