using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Collection;
using Pipeline.Application.Collection.Statements;
using Pipeline.Application.Ledger;
using Pipeline.Application.Merchants;
using Pipeline.Application.Tests.Collection;
using Pipeline.Domain.Monetary;

namespace Pipeline.Benchmarks;

/// <summary>
/// A bank statement of many entries reconciled end to end (docs/PERFORMANCE.md "Collection"):
/// <c>statement-import [entries] [payers]</c> starts its own local host, creates one collection per payer (each with its
/// orchestration), announces every other credit through the bank-credit service (as the webhook would), writes a
/// camt.053.001.08 file of all the credits (payers interleaved, as a day's bookings are) and times it: reading and
/// validating the file alone (the baseline, in the same run), then POST /statements until its answer, then the same
/// file again (recognised, nothing redone). It reports the entries per second, the memory the import allocated and the
/// process's peak working set, and checks that the report, the collections, the clearing account and the audit agree.
/// </summary>
internal static class StatementImportLoad
{
    private const int Workers = 16;
    private const long Amount = 1_234;
    private const string Account = "DE89370400440532013000";

    public static async Task RunAsync(string[] args)
    {
        var entries = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var payers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
        var creditsEach = entries / payers;
        await using var own = await OwnHost.StartAsync();
        using var http = new HttpClient(new OwnHost.Follow(own, Workers)) { BaseAddress = own.Host.BaseAddress, Timeout = TimeSpan.FromMinutes(30) };
        var services = own.Host.App.Services;

        var clock = Stopwatch.StartNew();
        var merchant = (await services.GetRequiredService<MerchantStore>().CreateAsync("Statement merchant", null, default))!.Merchant.Id;
        var accounts = await CreateCollectionsAsync(services, merchant, payers, creditsEach);
        Console.WriteLine($"\r{payers} collections of {creditsEach} x {Amount} created in {clock.Elapsed.TotalSeconds:0} s                ");

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var lines = Enumerable.Range(0, creditsEach * payers)
            .Select(i => new Camt053EntrySpec($"B{i:D10}", Amount, "EUR", IsCredit: true, IsBooked: true, today, accounts[i % payers], PayerName: $"Payer {i % payers}"))
            .ToList();
        clock.Restart();
        await AnnounceAsync(services, lines.Where((_, i) => i % 2 == 0).ToList());
        Console.WriteLine($"\r{lines.Count / 2} credits announced by the webhook path in {clock.Elapsed.TotalSeconds:0} s                ");

        using var file = new MemoryStream();
        Camt053Builder.Write(file, [new Camt053StatementSpec("BENCH-STMT", Account, 0, "EUR", lines)]);
        var bytes = file.ToArray();
        Console.WriteLine($"statement: {lines.Count} entries, {bytes.Length / 1_048_576.0:0.0} MiB");

        var readAllocated = GC.GetTotalAllocatedBytes(precise: true);
        clock.Restart();
        var read = Camt053.Read(new MemoryStream(bytes));
        var readTook = clock.Elapsed;
        readAllocated = GC.GetTotalAllocatedBytes(precise: true) - readAllocated;
        Console.WriteLine($"baseline, read and validate only: {readTook.TotalSeconds:0.00} s, {read.Statements.Single().Entries.Count / readTook.TotalSeconds:0} entries/s, "
            + $"{readAllocated / 1_048_576.0:0} MiB allocated, {read.Errors.Count} errors");

        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        clock.Restart();
        var report = await ImportAsync(http, own.AdminKey, bytes);
        var took = clock.Elapsed;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Console.WriteLine($"import: {took.TotalSeconds:0.0} s, {lines.Count / took.TotalSeconds:0} entries/s, {allocated / 1_048_576.0:0} MiB allocated in the process during it, "
            + $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1_048_576.0:0} MiB");
        Console.WriteLine($"report: {report}");

        clock.Restart();
        var again = await ImportAsync(http, own.AdminKey, bytes);
        Console.WriteLine($"the same file again: {clock.Elapsed.TotalSeconds:0.00} s, same report: {again.GetRawText() == report.GetRawText()}");

        await CheckAsync(services, merchant, report, lines.Count, payers);
    }

    private static async Task<string[]> CreateCollectionsAsync(IServiceProvider services, string merchant, int payers, int creditsEach)
    {
        var store = services.GetRequiredService<CollectionStore>();
        var accounts = new string[payers];
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, payers), new ParallelOptions { MaxDegreeOfParallelism = Workers }, async (i, ct) =>
        {
            var request = new CreateCollectionRequest(Amount * creditsEach, "EUR", new CollectionPayer($"Payer {i}", $"payer-{i}"), DateTimeOffset.UtcNow.AddDays(30));
            accounts[i] = (await store.CreateAsync(merchant, request, null, ct)).Collection!.VirtualAccount;
            if (Interlocked.Increment(ref done) % 50 == 0)
            {
                Console.Write($"\r{done}/{payers} collections   ");
            }
        });
        return accounts;
    }

    private static async Task AnnounceAsync(IServiceProvider services, IReadOnlyList<Camt053EntrySpec> lines)
    {
        var credits = services.GetRequiredService<BankCredits>();
        var done = 0;
        await Parallel.ForEachAsync(lines, new ParallelOptions { MaxDegreeOfParallelism = Workers }, async (line, ct) =>
        {
            var incoming = new IncomingCredit(line.BankTransactionId, line.VirtualAccount!, line.AmountMinor, line.Currency, line.PayerName, null, null, null, line.BookingDate);
            await credits.ReceiveAsync(incoming, BankCreditSource.Webhook, ct);
            if (Interlocked.Increment(ref done) % 100 == 0)
            {
                Console.Write($"\r{done}/{lines.Count} announced   ");
            }
        });
    }

    private static async Task<JsonElement> ImportAsync(HttpClient http, string adminKey, byte[] bytes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/statements") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/xml") { CharSet = Encoding.UTF8.WebName };
        request.Headers.Authorization = new("Bearer", adminKey);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.StatusCode == HttpStatusCode.OK
            ? body.GetProperty("statements")[0]
            : throw new InvalidOperationException($"The import was refused: {response.StatusCode} {body}");
    }

    /// <summary>Every entry accounted for, every collection paid, the clearing account equal to the statement, the ledger balanced.</summary>
    private static async Task CheckAsync(IServiceProvider services, string merchant, JsonElement report, int entries, int payers)
    {
        var announced = report.GetProperty("creditsAnnounced").GetInt32();
        var booked = report.GetProperty("creditsBooked").GetInt32();
        var closing = report.GetProperty("closingBalance").GetInt64();
        var clearing = await services.GetRequiredService<CollectionLedger>().PostedAsync(CollectionLedger.BankClearingOf(Currency.EUR), default);
        var wallet = await services.GetRequiredService<CollectionLedger>().PostedAsync(
            Application.Wallets.WalletStore.AccountOf(CollectionLedger.CollectionWalletIdOf(merchant, Currency.EUR)), default);
        var audit = await services.GetRequiredService<ILedgerStore>().AuditAsync();
        var exceptions = await services.GetRequiredService<ReconciliationExceptions>().ListAsync(merchant, null, 100, null, default);
        Console.WriteLine($"check: {announced} announced + {booked} booked = {announced + booked} of {entries}; closing {closing} = clearing {clearing}: {closing == clearing}; "
            + $"collection wallet {wallet} (expected {(long)entries * Amount}); {exceptions.Data.Count} exceptions; ledger audit balanced: {audit.Balanced}");
        if (announced + booked != entries || closing != clearing || wallet != (long)entries * Amount || !audit.Balanced || exceptions.Data.Count != 0)
        {
            throw new InvalidOperationException($"The import did not reconcile ({payers} payers).");
        }
    }
}
