using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// Many writers at once. Writers are spread over several store instances, each with its own cache and locks, as
/// separate processes would be, so conflicts are settled by ETags in Cosmos DB and not by an in-process lock.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosLedgerConcurrencyTests(CosmosFixture cosmos) : IAsyncLifetime
{
    private const int Processes = 4;
    private static readonly LedgerId Funding = LedgerId.FromName("funding");
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private CosmosLedgerStore[] stores = [];

    public async Task InitializeAsync()
    {
        Database database = await cosmos.CreateLedgerDatabaseAsync();
        stores = [.. Enumerable.Range(0, Processes).Select(_ => new CosmosLedgerStore(database, clock))];
        Assert.Equal(CreateAccountResult.Ok, await stores[0].CreateAccountAsync(new NewAccount(Funding, Currency.EUR, NormalBalance.Debit)));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Concurrent_debits_of_one_account_succeed_exactly_as_far_as_the_balance_reaches()
    {
        var wallet = await OpenWallet();
        await Apply(Move(LedgerId.FromName("top-up"), Funding, wallet, 40 * 100));
        var payee = await OpenWallet();

        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i =>
            stores[i % Processes].CreateTransferAsync(Move(LedgerId.FromName($"pay-{i}"), wallet, payee, 100))));

        Assert.Equal(40, results.Count(r => r == TransferResult.Ok));
        Assert.Equal(24, results.Count(r => r == TransferResult.InsufficientFunds));
        Assert.Equal(0, (await stores[0].GetAccountAsync(wallet))!.Value.PostedMinor);
        Assert.Equal(4_000, (await stores[0].GetAccountAsync(payee))!.Value.PostedMinor);
        Assert.True((await stores[0].AuditAsync()).Balanced);
    }

    [Fact]
    public async Task The_same_transfer_sent_concurrently_moves_money_once()
    {
        var wallet = await OpenWallet();
        var transfer = Move(LedgerId.FromName("once"), Funding, wallet, 700);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => stores[i % Processes].CreateTransferAsync(transfer)));

        Assert.Equal(1, results.Count(r => r == TransferResult.Ok));
        Assert.All(results, r => Assert.True(r is TransferResult.Ok or TransferResult.Exists, r.ToString()));
        Assert.Equal(700, (await stores[0].GetAccountAsync(wallet))!.Value.PostedMinor);
        Assert.True((await stores[0].AuditAsync()).Balanced);
    }

    [Fact]
    public async Task Concurrent_posts_of_one_hold_let_exactly_one_win()
    {
        var wallet = await OpenWallet();
        var payee = await OpenWallet();
        await Apply(Move(LedgerId.FromName("fund-hold"), Funding, wallet, 1_000));
        var hold = Move(LedgerId.FromName("hold"), wallet, payee, 800, TransferFlags.Pending);
        await Apply(hold);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => stores[i % Processes].CreateTransferAsync(
            new Transfer { Id = LedgerId.FromName($"capture-{i}"), PendingId = hold.Id, Amount = 100 + i, Flags = TransferFlags.PostPending })));

        Assert.Equal(1, results.Count(r => r == TransferResult.Ok));
        Assert.Equal(19, results.Count(r => r == TransferResult.PendingTransferAlreadyPosted));
        var captured = (await stores[0].GetAccountAsync(payee))!.Value;
        Assert.InRange(captured.PostedMinor, 100, 119);
        Assert.Equal(0, captured.PendingInMinor);
        Assert.Equal(1_000 - captured.PostedMinor, (await stores[0].GetAccountAsync(wallet))!.Value.AvailableMinor);
        Assert.True((await stores[0].AuditAsync()).Balanced);
    }

    [Fact]
    public async Task A_hot_account_takes_credits_on_every_shard_and_reads_as_their_sum()
    {
        var fees = LedgerId.FromName("platform-fees");
        Assert.Equal(CreateAccountResult.Ok, await stores[0].CreateAccountAsync(new NewAccount(fees, Currency.EUR), creditShards: 8));

        await Task.WhenAll(Enumerable.Range(0, 80).Select(i =>
            Apply(Move(LedgerId.FromName($"fee-{i}"), Funding, fees, 5), stores[i % Processes])));

        Assert.Equal(400, (await stores[0].GetAccountAsync(fees))!.Value.PostedMinor);
        var entries = new List<Application.Ledger.LedgerEntry>();
        string? cursor = null;
        do
        {
            var page = await stores[1].GetEntriesAsync(fees, cursor, 25);
            entries.AddRange(page.Entries);
            cursor = page.Next;
        }
        while (cursor is not null);

        Assert.Equal(80, entries.Select(e => e.TransferId).Distinct().Count());
        Assert.True((await stores[0].AuditAsync()).Balanced);
    }

    private async Task<LedgerId> OpenWallet()
    {
        var id = LedgerId.Random(Random.Shared);
        Assert.Equal(CreateAccountResult.Ok, await stores[0].CreateAccountAsync(new NewAccount(id, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits)));
        return id;
    }

    private async Task Apply(Transfer transfer, CosmosLedgerStore? store = null) =>
        Assert.Equal(TransferResult.Ok, await (store ?? stores[0]).CreateTransferAsync(transfer));

    private static Transfer Move(LedgerId id, LedgerId from, LedgerId to, long amount, TransferFlags flags = TransferFlags.None) =>
        new() { Id = id, DebitAccountId = from, CreditAccountId = to, Amount = amount, Currency = Currency.EUR, Flags = flags };
}
