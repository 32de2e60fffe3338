using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Events.Publishing;
using Pipeline.Local.Emulators;

namespace Pipeline.Local.Tests;

/// <summary>
/// The relay across processes: a host that dies after its changes and before any relay read them loses no event (the
/// outbox keeps them until a host relays them), and two hosts on one task hub relay each event once into a gapless log.
/// </summary>
public sealed class EventRelayHostTests
{
    [Fact]
    public async Task Events_of_a_host_gone_before_dispatch_are_relayed_by_the_next_and_two_hosts_log_each_once()
    {
        var root = CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory);
        await using var azurite = await AzuriteProcess.StartAsync(root, Path.Combine(Path.GetTempPath(), "pipeline-relay-" + Guid.NewGuid().ToString("N")));
        await using var cosmos = await CosmosEmulatorProcess.StartAsync(root);
        var adminKey = "adm_relay_" + Guid.NewGuid().ToString("N");
        var settings = new Dictionary<string, string?>
        {
            ["Pipeline:Local:Url"] = "http://127.0.0.1:0",
            ["Pipeline:AdminKey"] = adminKey,
            ["Pipeline:Cosmos:Endpoint"] = cosmos.Endpoint.ToString(),
            ["Pipeline:Local:StorageConnectionString"] = azurite.ConnectionString,
            ["PIPELINE_TASKHUB"] = "RelayHosts",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        string merchant, apiKey, wallet;
        await using (var gone = await LocalHost.StartAsync([], new Dictionary<string, string?>(settings) { ["Pipeline:Events:RelayEnabled"] = "false" }))
        {
            using var http = new HttpClient { BaseAddress = gone.BaseAddress };
            (merchant, apiKey) = await TwoHostsTests.CreateMerchantAsync(http, adminKey);
            var client = new PaymentClient(http, merchant, apiKey, gone.App.Services);
            wallet = await client.OpenWalletAsync(100_000);
            await Task.WhenAll(Enumerable.Range(0, 10).Select(i => client.PayAsync(wallet, 100 + i, "automatic")));
            Assert.Empty((await client.GetAsync("api/v1/events")).GetProperty("events").EnumerateArray());
        }

        await using var a = await LocalHost.StartAsync([], settings);
        await using var b = await LocalHost.StartAsync([], settings);
        using var httpA = new HttpClient { BaseAddress = a.BaseAddress };
        using var httpB = new HttpClient { BaseAddress = b.BaseAddress };
        var throughA = new PaymentClient(httpA, merchant, apiKey, a.App.Services);
        var throughB = new PaymentClient(httpB, merchant, apiKey, b.App.Services);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? throughA : throughB).PayAsync(wallet, 200 + i, "automatic")));

        // 20 payments, and the wallet's: created, topped up, and charged by each payment (22, its first two written while no relay ran).
        var events = await throughB.EventsAsync(42, TimeSpan.FromSeconds(60));
        Assert.Equal(42, events.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
        Assert.Equal(20, events.Count(e => e.GetProperty("type").GetString() == "payment.succeeded"));
        Assert.Equal(Enumerable.Range(1, 22), events.Where(e => e.GetProperty("subject").GetString() == wallet).Select(e => int.Parse(e.GetProperty("sequence").GetString()!, CultureInfo.InvariantCulture)).Order());
        Assert.Equal("42", (await throughA.GetAsync("api/v1/events?after=41")).GetProperty("next").GetString());
        var published = a.App.Services.GetRequiredService<LocalEventLog>().Snapshot().Concat(b.App.Services.GetRequiredService<LocalEventLog>().Snapshot());
        Assert.Equal(events.Select(e => e.GetProperty("id").GetString()).Order(), published.Select(e => e.Id).Distinct().Order());
        await throughA.AssertBooksBalancedAsync();
    }
}
