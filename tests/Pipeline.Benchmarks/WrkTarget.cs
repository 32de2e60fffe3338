using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Events;
using Pipeline.Application.Payments;
using Pipeline.Application.Webhooks;
using Pipeline.Application.Tests.Webhooks;
using Pipeline.Local;

namespace Pipeline.Benchmarks;

/// <summary>
/// The local host with its funded wallets, left serving for wrk, a load generator in C that takes little of the
/// two cores (a .NET generator takes as much CPU as the host it measures). Writes wrk's Lua scripts for payments and
/// transfers into a folder, prints "ready &lt;url&gt; &lt;folder&gt;", serves until its standard input closes, then reports
/// the audit as the .NET load test does. tests/Pipeline.Benchmarks/wrk.sh drives it. A second argument chooses the
/// events: "events-off" (no relay: events stay in their outboxes) or "events-on" (relays, and a webhook endpoint for
/// payment.succeeded on a receiver in this process, whose delivery latency is reported) or "relayed-bare" (relays, and
/// each payment.succeeded sent to that receiver with nothing stored: <see cref="BareDeliveries"/>, the ceiling any
/// delivery design could reach here); without it the host's default.
/// </summary>
internal static class WrkTarget
{
    public static async Task RunAsync(string[] args)
    {
        var folder = args.Length > 0 ? args[0] : Directory.CreateTempSubdirectory("pipeline-wrk-").FullName;
        var mode = args.Length > 1 ? args[1] : "";
        await using var receiver = mode is "events-on" or "relayed-bare" ? await WebhookReceiver.StartAsync() : null;
        var (host, adminKey) = await HttpLoad.StartHostAsync(relay: mode != "events-off", services: mode == "relayed-bare"
            ? s => s.AddSingleton<IEventSink>(p => new BareDeliveries(receiver!.Url, p.GetRequiredService<WebhookSender>()))
            : null);
        await using var _ = host;
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.DemoMerchantApiKey);
        var wallets = await HttpLoad.OpenFundedWalletsAsync(http);
        if (mode == "events-on" && receiver is not null)
        {
            using var endpoint = await http.PostAsJsonAsync("api/v1/webhook-endpoints", new { url = receiver.Url, events = new[] { "payment.succeeded" } });
            endpoint.EnsureSuccessStatusCode();
        }

        var walletList = string.Join(", ", wallets.Select(w => $"\"{w}\""));
        await File.WriteAllTextAsync(Path.Combine(folder, "payments.lua"), Script(host.DemoMerchantApiKey, walletList, "/api/v1/payments",
            "return '{\"amount\":1,\"currency\":\"EUR\",\"source\":{\"walletId\":\"' .. wallets[math.random(#wallets)] .. '\"},\"captureMethod\":\"automatic\",\"reference\":\"wrk\"}'"));
        // Two different wallets: the second is the first moved on by 1 to n-1 places.
        await File.WriteAllTextAsync(Path.Combine(folder, "transfers.lua"), Script(host.DemoMerchantApiKey, walletList, "/api/v1/transfers",
            "local from = math.random(#wallets); local to = (from + math.random(#wallets - 1) - 1) % #wallets + 1; "
            + "return '{\"fromWalletId\":\"' .. wallets[from] .. '\",\"toWalletId\":\"' .. wallets[to] .. '\",\"amount\":1,\"currency\":\"EUR\",\"reference\":\"wrk\"}'"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {host.BaseAddress} {folder}"));
        await Console.In.ReadToEndAsync();
        await HttpLoad.ReportCompletionAsync(http, adminKey);
        if (receiver is not null)
        {
            Console.WriteLine(await WebhookLatency.ReportAsync(receiver, await PaymentEventsAsync(host)));
        }
    }

    /// <summary>How many payment.succeeded events the payments wrote (in their outbox, relayed or not).</summary>
    private static async Task<int> PaymentEventsAsync(LocalHost host)
    {
        var payments = host.App.Services.GetRequiredService<Database>().GetContainer(PaymentStore.ContainerName);
        using var count = payments.GetItemQueryIterator<int>("SELECT VALUE COUNT(1) FROM c WHERE c.docType = 'event' AND c.type = 'payment.succeeded'");
        return (await count.ReadNextAsync()).Single();
    }

    /// <summary>A wrk script posting the body that <paramref name="body"/> (Lua statements) returns to <paramref name="path"/>.</summary>
    private static string Script(string apiKey, string wallets, string path, string body) => $$"""
        local wallets = { {{wallets}} }
        local function body() {{body}} end
        function init(args) math.randomseed(os.time() + math.floor(os.clock() * 1000000)) end
        function request()
          return wrk.format("POST", "{{path}}", { ["Authorization"] = "Bearer {{apiKey}}", ["Content-Type"] = "application/json" }, body())
        end
        """;
}
