using System.Net;
using Microsoft.Azure.Cosmos;

namespace Pipeline.Cosmos.EmulatorTests;

[Collection(EmulatorCollection.Name)]
public sealed class ConcurrencyTests(EmulatorFixture emulator)
{
    private const int RetriesMax = 5_000;

    [Fact]
    public async Task Concurrent_read_replace_with_if_match_loses_no_increment()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("hot");
        await container.CreateItemAsync(new Counter("counter", "hot", 0), pk);
        const int Tasks = 32;
        const int IncrementsPerTask = 5;

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < IncrementsPerTask; i++)
            {
                await WithIfMatchRetryAsync(async () =>
                {
                    var current = await container.ReadItemAsync<Counter>("counter", pk);
                    await container.ReplaceItemAsync(current.Resource with { Value = current.Resource.Value + 1 }, "counter", pk,
                        new ItemRequestOptions { IfMatchEtag = current.ETag });
                });
            }
        })));

        Assert.Equal(Tasks * IncrementsPerTask, (await container.ReadItemAsync<Counter>("counter", pk)).Resource.Value);
    }

    [Fact]
    public async Task Concurrent_patch_increments_are_all_applied()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("hot");
        await container.CreateItemAsync(new Counter("counter", "hot", 0), pk);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            container.PatchItemAsync<Counter>("counter", pk, [PatchOperation.Increment("/value", 1)])));

        Assert.Equal(200, (await container.ReadItemAsync<Counter>("counter", pk)).Resource.Value);
    }

    /// <summary>
    /// Batches move money between two accounts of one partition while single writes bump one of the
    /// same documents and readers sum the balances: the sum never changes, no write is lost.
    /// </summary>
    [Fact]
    public async Task Concurrent_batches_and_single_writes_on_one_partition_keep_the_books_balanced()
    {
        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("ledger");
        await container.CreateItemAsync(new Account("A", "ledger", 1000), pk);
        await container.CreateItemAsync(new Account("B", "ledger", 0), pk);
        const int Transferers = 8;
        const int TransfersEach = 10;
        const int Bumpers = 4;
        const int BumpsEach = 10;
        using var writersDone = new CancellationTokenSource();

        var transfers = Enumerable.Range(0, Transferers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < TransfersEach; i++)
            {
                await WithIfMatchRetryAsync(() => TransferOneAsync(container, pk));
            }
        }));
        var bumps = Enumerable.Range(0, Bumpers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < BumpsEach; i++)
            {
                await WithIfMatchRetryAsync(async () =>
                {
                    var a = await container.ReadItemAsync<Account>("A", pk);
                    await container.ReplaceItemAsync(a.Resource with { Version = a.Resource.Version + 1 }, "A", pk,
                        new ItemRequestOptions { IfMatchEtag = a.ETag });
                });
            }
        }));
        var sumsSeen = new System.Collections.Concurrent.ConcurrentBag<long>();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!writersDone.IsCancellationRequested)
            {
                var sum = await QueryTests.ReadAllAsync<long>(container, new QueryDefinition("SELECT VALUE SUM(c.balance) FROM c"),
                    new QueryRequestOptions { PartitionKey = pk });
                sumsSeen.Add(sum.Single());
            }
        }));

        var readerTasks = readers.ToList();
        await Task.WhenAll(transfers.Concat(bumps));
        await writersDone.CancelAsync();
        await Task.WhenAll(readerTasks);

        var finalA = (await container.ReadItemAsync<Account>("A", pk)).Resource;
        var finalB = (await container.ReadItemAsync<Account>("B", pk)).Resource;
        Assert.Equal(1000 - (Transferers * TransfersEach), finalA.Balance);
        Assert.Equal(Transferers * TransfersEach, finalB.Balance);
        Assert.Equal(Bumpers * BumpsEach, finalA.Version);
        Assert.NotEmpty(sumsSeen);
        Assert.All(sumsSeen, sum => Assert.Equal(1000, sum));
    }

    private static async Task TransferOneAsync(Container container, PartitionKey pk)
    {
        var a = await container.ReadItemAsync<Account>("A", pk);
        var b = await container.ReadItemAsync<Account>("B", pk);
        using var response = await container.CreateTransactionalBatch(pk)
            .ReplaceItem("A", a.Resource with { Balance = a.Resource.Balance - 1 }, new TransactionalBatchItemRequestOptions { IfMatchEtag = a.ETag })
            .ReplaceItem("B", b.Resource with { Balance = b.Resource.Balance + 1 }, new TransactionalBatchItemRequestOptions { IfMatchEtag = b.ETag })
            .ExecuteAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new CosmosException(response.ErrorMessage, response.StatusCode, 0, response.ActivityId, response.RequestCharge);
        }
    }

    private static async Task WithIfMatchRetryAsync(Func<Task> attempt)
    {
        for (var retry = 0; ; retry++)
        {
            try
            {
                await attempt();
                return;
            }
            catch (CosmosException error) when (error.StatusCode == HttpStatusCode.PreconditionFailed && retry < RetriesMax)
            {
                await Task.Yield();
            }
        }
    }
}
