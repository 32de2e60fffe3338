using System.Text.Json;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Ledger.Cosmos;

namespace Pipeline.Application.Wallets;

/// <summary><c>wallet.created</c>: the wallets container's documents, each created once and never replaced.</summary>
public sealed class WalletCreatedSource : IEventSource
{
    public string ContainerName => WalletStore.ContainerName;

    public ValueTask<IReadOnlyList<RelayedEvent>> EventsOfAsync(IReadOnlyList<JsonElement> page, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<RelayedEvent>>([.. page
            .Select(d => d.Deserialize<WalletDocument>(CosmosJson.Options) ?? throw new JsonException("A wallet document is empty."))
            .Where(w => w.EmitsEvents)
            .Select(WalletEvents.CreatedOf)]);
}

/// <summary>
/// <c>wallet.balance_changed</c>: the entries of wallets' ledger accounts, as the accounts container's change feed
/// shows them (every other document there — account totals, fences, other accounts' entries — stands for nothing).
/// </summary>
public sealed class WalletBalanceSource(WalletStore wallets, ILogger<WalletBalanceSource> logger) : IEventSource
{
    public string ContainerName => LedgerFeed.ContainerName;

    public async ValueTask<IReadOnlyList<RelayedEvent>> EventsOfAsync(IReadOnlyList<JsonElement> page, CancellationToken cancellationToken)
    {
        var entries = page.Select(LedgerFeed.TaggedEntryOf).OfType<TaggedEntry>().Where(e => WalletStore.IsWalletId(e.Tag)).ToList();
        if (entries.Count == 0)
        {
            return [];
        }

        // The wallets of a page at once (most are in this process's cache: a wallet document never changes).
        var ids = entries.Select(e => e.Tag).Distinct(StringComparer.Ordinal).ToList();
        var documents = await Task.WhenAll(ids.Select(id => wallets.ReadAsync(id, cancellationToken)));
        var byId = ids.Zip(documents).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        var events = new List<RelayedEvent>(entries.Count);
        foreach (var entry in entries)
        {
            if (byId[entry.Tag] is not { EmitsEvents: true } wallet)
            {
                // No document: the wallet's opening died between its account and its document, and no API moves money into
                // it — an operator's ledger transfer did. A document without events: stored by a build from before them,
                // whose wallet.created was never emitted, so its changes would start at 2.
                logger.LogError("Entry {Sequence} of wallet {WalletId}'s account has no wallet document with events: no event", entry.Sequence, entry.Tag);
                continue;
            }

            events.Add(WalletEvents.BalanceChangedOf(wallet, entry));
        }

        return events;
    }
}
