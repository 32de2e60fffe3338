using System.Net;
using Pipeline.Local.Emulators;

namespace Pipeline.Local.Tests;

/// <summary>
/// Two local hosts on one Cosmos database and one task hub, as two instances of the Functions app on Azure: each has
/// its own caches, and what one of them learned must never decide what the other refuses.
/// </summary>
public sealed class TwoHostsTests
{
    [Fact]
    public async Task A_wallet_topped_up_through_one_host_pays_through_the_other_that_declined_it_while_empty()
    {
        var root = CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory);
        await using var azurite = await AzuriteProcess.StartAsync(root, Path.Combine(Path.GetTempPath(), "pipeline-two-hosts-" + Guid.NewGuid().ToString("N")));
        await using var cosmos = await CosmosEmulatorProcess.StartAsync(root);
        var adminKey = "adm_two_hosts_" + Guid.NewGuid().ToString("N");
        var settings = new Dictionary<string, string?>
        {
            ["Pipeline:Local:Url"] = "http://127.0.0.1:0",
            ["Pipeline:AdminKey"] = adminKey,
            ["Pipeline:Cosmos:Endpoint"] = cosmos.Endpoint.ToString(),
            ["Pipeline:Local:StorageConnectionString"] = azurite.ConnectionString,
            ["PIPELINE_TASKHUB"] = "TwoHosts",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var a = await LocalHost.StartAsync([], settings);
        await using var b = await LocalHost.StartAsync([], settings);
        using var httpA = new HttpClient { BaseAddress = a.BaseAddress };
        using var httpB = new HttpClient { BaseAddress = b.BaseAddress };
        var (merchant, apiKey) = await CreateMerchantAsync(httpA, adminKey);
        var throughA = new PaymentClient(httpA, merchant, apiKey, a.App.Services);
        var throughB = new PaymentClient(httpB, merchant, apiKey, b.App.Services);
        var wallet = await throughA.OpenWalletAsync(topUp: 0);

        using (var declined = await throughB.PostAsync("api/v1/payments", Payment(wallet, 500, "automatic")))
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);
        }

        using (var topUp = await throughA.PostAsync($"api/v1/wallets/{wallet}/top-ups", new { amount = 10_000, reference = "bank transfer" }))
        {
            Assert.Equal(HttpStatusCode.Created, topUp.StatusCode);
        }

        var automatic = await throughB.PayAsync(wallet, 500, "automatic");
        var manual = await throughB.PayAsync(wallet, 700, "manual");
        Assert.Equal("succeeded", automatic.GetProperty("status").GetString());
        Assert.Equal("requires_capture", manual.GetProperty("status").GetString());
        using (var captured = await throughB.PostAsync($"api/v1/payments/{manual.GetProperty("id").GetString()}/capture", new { amount = 700 }))
        {
            Assert.Equal(HttpStatusCode.OK, captured.StatusCode);
        }

        Assert.Equal((8_800L, 0L, 8_800L), await throughA.BalancesAsync(wallet));
        await throughA.AssertBooksBalancedAsync();
        await throughB.AssertBooksBalancedAsync();
    }

    private static object Payment(string wallet, long amount, string captureMethod) =>
        new { amount, currency = "EUR", source = new { walletId = wallet }, captureMethod };

    internal static async Task<(string Id, string ApiKey)> CreateMerchantAsync(HttpClient http, string adminKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/merchants") { Content = System.Net.Http.Json.JsonContent.Create(new { name = "Two hosts" }) };
        request.Headers.Authorization = new("Bearer", adminKey);
        using var response = await http.SendAsync(request);
        var body = await PaymentClient.ExpectAsync(response, HttpStatusCode.Created);
        return (body.GetProperty("id").GetString()!, body.GetProperty("apiKey").GetString()!);
    }
}
