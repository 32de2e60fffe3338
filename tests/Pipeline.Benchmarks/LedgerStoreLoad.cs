using System.Globalization;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Composition;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using Pipeline.Local.Emulators;

namespace Pipeline.Benchmarks;

/// <summary>
/// Transfers per second through the Cosmos ledger store on the local emulator, next to the emulator's raw
/// single-document write rate measured in the same run with the same client and concurrency: the physical limit
/// here. A transfer is 4 write requests (create the transfer document, the debit batch, the credit batch,
/// mark it applied), so the ceiling is raw writes/s ÷ 4.
/// </summary>
internal static class LedgerStoreLoad
{
    private const int WritesPerTransfer = 4;

    public static async Task RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;
        var workers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;
        var accounts = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000;
        var duration = TimeSpan.FromSeconds(seconds);

        await using var emulator = await CosmosEmulatorProcess.StartAsync(CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory));
        using var client = CosmosClients.ForEmulator(emulator.Endpoint, CosmosEmulatorProcess.EmulatorKey);
        Database database = await client.CreateDatabaseAsync("load");
        await CosmosContainerCatalog.CreateIfNotExistsAsync(database);
        Container raw = await database.CreateContainerAsync("raw-writes", "/pk");
        var store = new CosmosLedgerStore(database, TimeProvider.System);
        var wallets = await OpenWalletsAsync(store, accounts);

        Console.WriteLine($"Ledger store load: {seconds} s per phase, {workers} workers, {accounts} funded wallets, endpoint {emulator.Endpoint}");
        Console.WriteLine("| Phase | Operations | Failures | Rate | p50 | p99 |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        var rawResult = await LoadMeasurement.RunAsync("Raw single-document writes (baseline)", workers, duration, async (worker, i) =>
        {
            var id = $"{worker}-{i}";
            await raw.CreateItemAsync(new RawDocument(id, id, 100), new PartitionKey(id));
            return true;
        });
        Console.WriteLine(rawResult);

        var transferResult = await LoadMeasurement.RunAsync("Ledger transfers (wallet to wallet)", workers, duration, async (worker, i) =>
        {
            var random = new Random(HashCode.Combine(worker, i));
            var from = wallets[random.Next(wallets.Length)];
            var to = wallets[(Array.IndexOf(wallets, from) + 1 + random.Next(wallets.Length - 1)) % wallets.Length];
            var transfer = new Transfer { Id = LedgerId.Random(random), DebitAccountId = from, CreditAccountId = to, Amount = 1, Currency = Currency.EUR };
            return await store.CreateTransferAsync(transfer) == TransferResult.Ok;
        });
        Console.WriteLine(transferResult);

        var ceiling = rawResult.PerSecond / WritesPerTransfer;
        Console.WriteLine($"Ceiling (raw ÷ {WritesPerTransfer}): {ceiling:N0} transfers/s; achieved {transferResult.PerSecond / ceiling:P0} of it.");
        Console.WriteLine($"Audit balanced: {(await store.AuditAsync()).Balanced}");
    }

    private static async Task<LedgerId[]> OpenWalletsAsync(CosmosLedgerStore store, int count)
    {
        var funding = LedgerId.FromName("load:funding");
        await store.CreateAccountAsync(new NewAccount(funding, Currency.EUR, NormalBalance.Debit), creditShards: 1);
        var wallets = Enumerable.Range(0, count).Select(i => LedgerId.FromName($"load:wallet:{i}")).ToArray();
        foreach (var chunk in wallets.Chunk(32))
        {
            await Task.WhenAll(chunk.Select(async wallet =>
            {
                await store.CreateAccountAsync(new NewAccount(wallet, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits));
                await store.CreateTransferAsync(new Transfer { Id = LedgerId.FromName("load:fund:" + wallet), DebitAccountId = funding, CreditAccountId = wallet, Amount = 1_000_000, Currency = Currency.EUR });
            }));
        }

        return wallets;
    }

    /// <summary>A document the size of a small ledger write, for the raw-write baseline.</summary>
    private sealed record RawDocument(string Id, string Pk, long Amount);
}
