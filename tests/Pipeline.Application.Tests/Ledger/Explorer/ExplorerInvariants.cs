using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Tests.Ledger.Explorer;

/// <summary>
/// What must hold of the ledger at every step, whatever the interleaving: the audit balances with money in flight
/// counted exactly; every account partition's totals are the sum of its entries (nothing overwritten, nothing counted
/// twice), which are numbered 1 … its entry counter, once each (what wallet events are numbered by); no account that may not be overdrawn is. When everything has settled, nothing is in flight or held.
/// </summary>
internal sealed class ExplorerInvariants(Database database, TimeProvider clock)
{
    private readonly Container accounts = database.GetContainer(LedgerContainers.Accounts);
    private readonly Container transfers = database.GetContainer(LedgerContainers.Transfers);

    public async Task CheckAsync(string when)
    {
        var audit = await new CosmosLedgerStore(database, clock).AuditAsync();
        Assert.True(audit.Balanced, $"The audit does not balance {when}: {string.Join("; ", audit.Currencies.Select(c => $"{c.Key} {c.Value}"))}");
        var documents = await QueryAsync(accounts, "SELECT * FROM c");
        var entries = documents.Where(d => Type(d) == "entry").Select(d => d.Deserialize<EntryDocument>(CosmosJson.Options)!).ToLookup(e => e.Pk, StringComparer.Ordinal);
        var partitions = documents.Where(d => Type(d) == "account").Select(d => d.Deserialize<AccountDocument>(CosmosJson.Options)!).ToList();
        CheckCloses(partitions, when);
        foreach (var account in partitions)
        {
            var mine = entries[account.Pk].ToList();
            var numbers = mine.Where(e => !e.IsFence).Select(e => e.Sequence).Order().ToList();
            Assert.True(numbers.SequenceEqual(Enumerable.Range(1, (int)account.EntrySequence).Select(n => (long)n)),
                $"Partition {account.Pk} counts {account.EntrySequence} entries but numbers them {string.Join(", ", numbers)} {when}.");
            var sums = (
                DebitsPosted: mine.Where(e => e.Side == "debit").Sum(e => e.PostedDelta), DebitsPending: mine.Where(e => e.Side == "debit").Sum(e => e.PendingDelta),
                CreditsPosted: mine.Where(e => e.Side == "credit").Sum(e => e.PostedDelta), CreditsPending: mine.Where(e => e.Side == "credit").Sum(e => e.PendingDelta));
            Assert.True(sums == (account.DebitsPosted, account.DebitsPending, account.CreditsPosted, account.CreditsPending),
                $"Partition {account.Pk} holds totals {(account.DebitsPosted, account.DebitsPending, account.CreditsPosted, account.CreditsPending)} but its entries add up to {sums} {when}.");
            if ((account.Flags & AccountFlags.DebitsMustNotExceedCredits) != 0)
            {
                Assert.True(account.DebitsPosted <= account.CreditsPosted + account.LimitMinor, $"Account {account.Pk} is overdrawn (posted) {when}.");
                Assert.True(account.DebitsPosted + account.DebitsPending <= account.CreditsPosted + account.CreditsPending + account.LimitMinor,
                    $"Account {account.Pk} is overdrawn (with its holds) {when}.");
            }
        }
    }

    /// <summary>
    /// An account is closed in every partition or in none, but while a close attempt is under way. A shard of an open
    /// account may still carry the mark of an attempt that is over (its driver died before opening it): that shard is
    /// open — the first credit or close that meets it opens it — so it must carry such a mark, never none.
    /// </summary>
    private static void CheckCloses(IReadOnlyList<AccountDocument> partitions, string when)
    {
        foreach (var main in partitions.Where(p => p.Shard == 0 && p.Shards > 1 && p.ClosingBy is null))
        {
            var shards = partitions.Where(p => p.AccountId == main.AccountId && p.Shard > 0).ToList();
            var wrong = shards.Where(s => main.Closed ? !s.Closed : s.Closed && s.ClosedBy is null).Select(s => s.Shard).ToList();
            Assert.True(wrong.Count == 0, $"Account {main.AccountId} is {(main.Closed ? "closed" : "open")} but shards {string.Join(", ", wrong)} are not, {when}.");
        }
    }

    /// <summary>After every process recovered and swept with every clock far past every hold: nothing in flight, nothing held.</summary>
    public async Task CheckSettledAsync()
    {
        await CheckAsync("once everything settled");
        var audit = await new CosmosLedgerStore(database, clock).AuditAsync();
        Assert.All(audit.Currencies.Values, c => Assert.Equal((0, 0), ((long)c.InFlightPosted, (long)c.InFlightPending)));
        var documents = await QueryAsync(accounts, "SELECT * FROM c WHERE c.type = 'account' OR c.type = 'charge'");
        Assert.DoesNotContain(documents, d => Type(d) == "charge");
        foreach (var account in documents.Select(d => d.Deserialize<AccountDocument>(CosmosJson.Options)!))
        {
            Assert.True(account.DebitsPending == 0 && account.CreditsPending == 0, $"Partition {account.Pk} still holds {account.DebitsPending} / {account.CreditsPending} once everything settled.");
            Assert.True(account.ClosingBy is null, $"Account {account.AccountId} still has close {account.ClosingBy} under way once everything settled.");
        }
        var unfinished = await QueryAsync(transfers, "SELECT * FROM c WHERE c.state = 'inFlight' OR c.state = 'committing' OR (c.type = 'transfer' AND c.holdState = 'pending') "
            + "OR (c.type = 'chain' AND c.state = 'failed' AND c.cleanedUp = false)");
        Assert.True(unfinished.Count == 0, $"Still unfinished: {string.Join(", ", unfinished.Select(d => d.GetProperty("id").GetString()))}");
    }

    private static string? Type(JsonElement document) => document.GetProperty("type").GetString();

    private static async Task<List<JsonElement>> QueryAsync(Container container, string query)
    {
        var results = new List<JsonElement>();
        using var iterator = container.GetItemQueryIterator<JsonElement>(query);
        while (iterator.HasMoreResults)
        {
            results.AddRange(await iterator.ReadNextAsync());
        }

        return results;
    }
}
