using System.Diagnostics;
using EventLog = Pipeline.Application.Events.EventLog;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Ledger;
using Pipeline.Application.Merchants;
using Pipeline.Application.Payments;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using Pipeline.Domain.Payments;

namespace Pipeline.Benchmarks;

/// <summary>
/// A settlement run over many merchants (docs/PERFORMANCE.md "Settlement"): <c>settlement-run [merchants] [payments each]</c>
/// starts its own local host, gives every merchant a price, a payout account, a funded wallet and automatic payments
/// (through the host's own stores, many at once: the activity, not the API, is what is generated), waits until the relay
/// has logged every payment, then times a run over all of them (POST /settlements/runs, until GET says completed) and,
/// as the baseline in the same run, a second run with nothing new to settle. The books must balance at the end.
/// </summary>
internal static class SettlementRunLoad
{
    private const int Workers = 16;

    public static async Task RunAsync(string[] args)
    {
        var merchants = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var paymentsEach = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        await using var own = await OwnHost.StartAsync();
        using var http = new HttpClient(new OwnHost.Follow(own, Workers)) { BaseAddress = own.Host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var services = own.Host.App.Services;

        var clock = Stopwatch.StartNew();
        await GenerateAsync(services, merchants, paymentsEach);
        Console.WriteLine($"\r{merchants} merchants with {merchants * paymentsEach} payments generated in {clock.Elapsed.TotalSeconds:0} s                ");
        clock.Restart();
        await WaitLoggedAsync(services, merchants * paymentsEach);
        Console.WriteLine($"relayed into the event log {clock.Elapsed.TotalSeconds:0} s later");

        var (first, firstRun) = await TimedRunAsync(http, own.AdminKey);
        var (second, secondRun) = await TimedRunAsync(http, own.AdminKey);
        Report("run", first, firstRun);
        Report("run again (nothing new: the baseline)", second, secondRun);
        var audit = await services.GetRequiredService<ILedgerStore>().AuditAsync();
        Console.WriteLine($"ledger audit balanced: {audit.Balanced}");
    }

    private static void Report(string what, TimeSpan took, JsonElement run)
    {
        var t = run.GetProperty("totals");
        var merchants = t.GetProperty("merchants").GetInt32();
        var activities = t.GetProperty("activities").GetInt32();
        var pages = (merchants + 999) / 1_000;
        Console.WriteLine($"{what}: {took.TotalSeconds:0.0} s, {merchants / took.TotalSeconds:0} merchants/s; {t.GetProperty("settlements").GetInt32()} settlements, "
            + $"{t.GetProperty("payouts").GetInt32()} payouts, {t.GetProperty("failed").GetInt32()} failed; 1 orchestration start, {pages} generations, "
            + $"{activities + pages + 1} activities ({activities} settling, {pages} listing, 1 completing)");
    }

    private static async Task GenerateAsync(IServiceProvider services, int merchants, int paymentsEach)
    {
        var merchantStore = services.GetRequiredService<MerchantStore>();
        var wallets = services.GetRequiredService<WalletStore>();
        var payments = services.GetRequiredService<PaymentStore>();
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, merchants), new ParallelOptions { MaxDegreeOfParallelism = Workers }, async (i, ct) =>
        {
            var merchant = (await merchantStore.CreateAsync($"Merchant {i}", null, ct))!.Merchant.Id;
            await merchantStore.SetPricingAsync(merchant, new Pricing(140 + (i % 200), 25, "EUR"), ct);
            await merchantStore.SetPayoutAccountAsync(merchant, new PayoutAccount($"Merchant {i}", "DE89370400440532013000", null), ct);
            var wallet = await wallets.CreateAsync(merchant, new WalletOwner(OwnerType.Customer, "c"), Currency.EUR, 0, ct);
            await wallets.TopUpAsync(merchant, wallet, 1_000_000, LedgerId.FromName($"bench-top-up:{merchant}"), ct);
            for (var p = 0; p < paymentsEach; p++)
            {
                var outcome = await payments.CreateAsync(merchant, new CreatePaymentRequest(1_000 + (37 * p) + i, "EUR", new PaymentSource(wallet.Id), CaptureMethod.Automatic), null, ct);
                if (outcome.Refusal is { } refusal)
                {
                    throw new InvalidOperationException($"A generated payment was refused: {refusal.Code}");
                }
            }

            if (Interlocked.Increment(ref done) % 100 == 0)
            {
                Console.Write($"\r{done}/{merchants} merchants generated   ");
            }
        });
    }

    /// <summary>Waits until every payment.succeeded is in the event log (a cross-partition count, every few seconds).</summary>
    private static async Task WaitLoggedAsync(IServiceProvider services, int payments)
    {
        var log = services.GetRequiredService<Database>().GetContainer(EventLog.ContainerName);
        var query = new QueryDefinition("SELECT VALUE COUNT(1) FROM c WHERE c.type = 'payment.succeeded'");
        for (var waited = 0; ; waited++)
        {
            var logged = (await log.QueryAllAsync<long>(query, null, default)).Sum();
            if (logged >= payments)
            {
                return;
            }

            Console.Write($"\r{logged}/{payments} payments in the event log   ");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private static async Task<(TimeSpan Took, JsonElement Run)> TimedRunAsync(HttpClient http, string adminKey)
    {
        var clock = Stopwatch.StartNew();
        using var start = new HttpRequestMessage(HttpMethod.Post, "api/v1/settlements/runs")
        {
            Content = JsonContent.Create(new { date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }),
        };
        start.Headers.Authorization = new("Bearer", adminKey);
        using var started = await http.SendAsync(start);
        if (started.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"The run was refused: {started.StatusCode} {await started.Content.ReadAsStringAsync()}");
        }

        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        while (true)
        {
            using var read = new HttpRequestMessage(HttpMethod.Get, $"api/v1/settlements/runs/{id}");
            read.Headers.Authorization = new("Bearer", adminKey);
            using var answer = await http.SendAsync(read);
            var run = await answer.Content.ReadFromJsonAsync<JsonElement>();
            if (run.GetProperty("status").GetString() == "completed")
            {
                return (clock.Elapsed, run);
            }

            await Task.Delay(250);
        }
    }
}
