using System.Net.Http.Json;
using Microsoft.Azure.Cosmos;

namespace Pipeline.Cosmos.EmulatorTests;

[Collection(EmulatorCollection.Name)]
public sealed class KeepAliveTests(EmulatorFixture emulator)
{
    /// <summary>
    /// Without keep-alive every request opens a TCP connection, which costs more than the request
    /// itself. The emulator counts the connections it accepted; 500 sequential reads must reuse a few.
    /// </summary>
    [Fact]
    public async Task Many_sequential_requests_reuse_a_few_connections()
    {
        if (!emulator.StartedEmulator)
        {
            return; // An endpoint given by PIPELINE_COSMOS_ENDPOINT may not have the diagnostics route.
        }

        var container = await emulator.CreateContainerAsync();
        var pk = new PartitionKey("p1");
        await container.CreateItemAsync(new Account("a", "p1", 1), pk);
        using var http = new HttpClient { BaseAddress = emulator.Endpoint };
        var before = await http.GetFromJsonAsync<EmulatorStats>("_emulator/stats");

        for (var i = 0; i < 500; i++)
        {
            await container.ReadItemAsync<Account>("a", pk);
        }

        var after = await http.GetFromJsonAsync<EmulatorStats>("_emulator/stats");
        Assert.NotNull(before);
        Assert.NotNull(after);
        Assert.True(after.Requests - before.Requests >= 500);
        Assert.InRange(after.ConnectionsOpened - before.ConnectionsOpened, 0, 5);
    }

    private sealed record EmulatorStats(long ConnectionsOpened, long ConnectionsOpen, long Requests);
}
