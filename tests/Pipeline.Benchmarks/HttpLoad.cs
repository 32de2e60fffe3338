using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Local;

namespace Pipeline.Benchmarks;

/// <summary>
/// HTTP load on the local host over loopback: wallet-to-wallet transfers and wallet payments per second and their latency, next to a
/// trivial route of the same host (GET /openapi.json: a cached document, no I/O) measured in the same run. The host, its
/// emulators and this load generator share the machine's two cores.
/// </summary>
internal static class HttpLoad
{
    private const int Wallets = 200;

    public static async Task RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
        var workers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;
        var duration = TimeSpan.FromSeconds(seconds);
        var (host, adminKey) = await StartHostAsync();
        await using var _ = host;
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = workers }) { BaseAddress = host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.DemoMerchantApiKey);
        var wallets = await OpenFundedWalletsAsync(http);

        Console.WriteLine($"HTTP load on the local host: {seconds} s per phase, {workers} concurrent clients, {Wallets} funded wallets");
        Console.WriteLine("| Phase | Requests | Failures | Rate | p50 | p99 |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        Console.WriteLine(await LoadMeasurement.RunAsync("GET /api/v1/openapi.json (baseline: no I/O)", workers, duration, async (_, _) =>
        {
            using var response = await http.GetAsync("api/v1/openapi.json");
            return response.StatusCode == HttpStatusCode.OK;
        }));
        Console.WriteLine(await LoadMeasurement.RunAsync("POST /api/v1/transfers", workers, duration, async (worker, i) =>
        {
            var random = new Random(HashCode.Combine(worker, i));
            var from = random.Next(Wallets);
            var to = (from + 1 + random.Next(Wallets - 1)) % Wallets;
            using var response = await http.PostAsJsonAsync("api/v1/transfers",
                new { fromWalletId = wallets[from], toWalletId = wallets[to], amount = 1, currency = "EUR", reference = "load" });
            return response.StatusCode == HttpStatusCode.Created;
        }));
        Console.WriteLine(await LoadMeasurement.RunAsync("POST /api/v1/payments (automatic capture)", workers, duration, async (worker, i) =>
        {
            var wallet = wallets[new Random(HashCode.Combine(worker, i)).Next(Wallets)];
            using var response = await http.PostAsJsonAsync("api/v1/payments",
                new { amount = 1, currency = "EUR", source = new { walletId = wallet }, captureMethod = "automatic", reference = "load" });
            return response.StatusCode == HttpStatusCode.Created;
        }));
        await ReportCompletionAsync(http, adminKey);
    }

    /// <summary>The local host as the load tests run it (Release, its own emulators, warnings only), and its admin key.</summary>
    /// <param name="relay">Whether the host runs its event relays (events are written with every change either way).</param>
    public static async Task<(LocalHost Host, string AdminKey)> StartHostAsync(bool relay = true, Action<IServiceCollection>? services = null)
    {
        var adminKey = "adm_load_" + Guid.NewGuid().ToString("N");
        var host = await LocalHost.StartAsync([], new Dictionary<string, string?>
        {
            ["Pipeline:Local:Url"] = "http://127.0.0.1:0",
            ["Pipeline:AdminKey"] = adminKey,
            ["Pipeline:Local:AzuriteFolder"] = Path.Combine(Path.GetTempPath(), "pipeline-load-" + Guid.NewGuid().ToString("N")),
            ["Pipeline:Events:RelayEnabled"] = relay ? "true" : "false",
            ["Logging:LogLevel:Default"] = "Warning",
        }, services);
        return (host, adminKey);
    }

    /// <summary>
    /// Payments credit the merchant in the background: how long after the load the last credit landed, polling the
    /// audit (admin), and whether the books balanced all along and ended with nothing in flight.
    /// </summary>
    public static async Task ReportCompletionAsync(HttpClient http, string adminKey)
    {
        // The audit scans the whole ledger: it gets its own client with a timeout fit for that.
        using var audits = new HttpClient { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        audits.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        var stopwatch = Stopwatch.StartNew();
        (TimeSpan Took, long InFlight)? first = null;
        while (true)
        {
            var started = stopwatch.Elapsed;
            var audit = await audits.GetFromJsonAsync<JsonElement>("api/v1/ledger/audit");
            var inFlight = audit.GetProperty("currencies").GetProperty("EUR").GetProperty("inFlight").GetInt64();
            first ??= (stopwatch.Elapsed - started, inFlight);
            if (inFlight == 0 || stopwatch.Elapsed > TimeSpan.FromSeconds(60))
            {
                Console.WriteLine($"After the load: the first audit took {first.Value.Took.TotalSeconds:0.0} s and found {first.Value.InFlight} minor units in flight; "
                    + $"{inFlight} in flight {stopwatch.Elapsed.TotalSeconds:0.0} s after the load; balanced = {audit.GetProperty("balanced").GetBoolean()}.");
                return;
            }
        }
    }

    public static async Task<string[]> OpenFundedWalletsAsync(HttpClient http)
    {
        var wallets = new string[Wallets];
        for (var i = 0; i < Wallets; i++)
        {
            wallets[i] = await OpenWalletAsync(http, 10_000_000, $"load-{i}");
        }

        return wallets;
    }

    /// <summary>A new EUR wallet of the client's merchant with <paramref name="funds"/> topped up; its id.</summary>
    public static async Task<string> OpenWalletAsync(HttpClient http, long funds, string reference)
    {
        using var created = await http.PostAsJsonAsync("api/v1/wallets", new { owner = new { type = "customer", reference }, currency = "EUR" });
        var wallet = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var topUp = await http.PostAsJsonAsync($"api/v1/wallets/{wallet}/top-ups", new { amount = funds, reference = "load" });
        topUp.EnsureSuccessStatusCode();
        return wallet;
    }
}
