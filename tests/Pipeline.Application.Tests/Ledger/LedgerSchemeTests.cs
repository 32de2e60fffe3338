using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// A host starts only on a ledger database written with its scheme of ids (or an empty one, which it marks): data
/// written before the reserved ids would be misread (accounts missed, a payment charged twice across a rolling deploy).
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class LedgerSchemeTests(CosmosFixture cosmos)
{
    [Fact]
    public async Task An_empty_database_is_marked_and_every_host_then_starts_on_it()
    {
        // Hosts racing on a fresh database: one that finds the marker another just wrote must not take it for old data.
        for (var round = 0; round < 3; round++)
        {
            var fresh = await cosmos.CreateLedgerDatabaseAsync();
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => new LedgerScheme(fresh).StartAsync(CancellationToken.None)));
        }

        var database = await cosmos.CreateLedgerDatabaseAsync();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => new LedgerScheme(database).StartAsync(CancellationToken.None)));
        await new CosmosLedgerStore(database, new FakeTimeProvider()).CreateAccountAsync(new NewAccount(LedgerId.FromName("scheme:a"), Currency.EUR));
        await new LedgerScheme(database).StartAsync(CancellationToken.None);

        var marker = await database.GetContainer(LedgerContainers.Transfers).ReadItemAsync<LedgerScheme.SchemeDocument>(LedgerScheme.DocumentId, new PartitionKey(LedgerScheme.DocumentId));
        Assert.Equal(LedgerScheme.Current, marker.Resource.Scheme);
    }

    [Fact]
    public async Task Data_written_before_the_scheme_stops_the_host_with_one_message()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var store = new CosmosLedgerStore(database, new FakeTimeProvider());
        var (a, b) = (LedgerId.FromName("scheme:old-a"), LedgerId.FromName("scheme:old-b"));
        await store.CreateAccountAsync(new NewAccount(a, Currency.EUR));
        await store.CreateAccountAsync(new NewAccount(b, Currency.EUR));
        Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(new Transfer { Id = LedgerId.FromName("scheme:old"), DebitAccountId = a, CreditAccountId = b, Amount = 1, Currency = Currency.EUR }));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new LedgerScheme(database).StartAsync(CancellationToken.None));
        Assert.Contains("written by a build before ledger scheme", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_marked_with_another_scheme_stops_the_host()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        await database.GetContainer(LedgerContainers.Transfers).CreateItemAsync(new LedgerScheme.SchemeDocument { Scheme = 1 }, new PartitionKey(LedgerScheme.DocumentId));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new LedgerScheme(database).StartAsync(CancellationToken.None));
        Assert.Contains("marked ledger scheme 1", refused.Message, StringComparison.Ordinal);
    }
}
