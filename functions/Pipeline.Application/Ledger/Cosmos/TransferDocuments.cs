using System.Net;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// Reads and compare-and-swaps of the transfers container: a transfer's document and a chain's (each its own
/// partition, keyed by its id). A swap that loses returns what the winner stored, for the caller to follow.
/// </summary>
internal sealed class TransferDocuments(Container transfers)
{
    /// <summary>Transfers not yet decided: their writer is still at work, or died (recovery drives them).</summary>
    public const string InFlightQuery =
        "SELECT * FROM c WHERE c.type = 'transfer' AND (c.state = 'inFlight' OR c.state = 'committing')";

    /// <summary>The transfers container, for creations and queries.</summary>
    public Container Container => transfers;

    public Task<TransferDocument?> ReadAsync(LedgerId id, CancellationToken cancellationToken) =>
        transfers.ReadOrNullAsync<TransferDocument>(id.ToString(), id.ToString(), cancellationToken);

    public Task<ChainDocument?> ReadChainAsync(string id, CancellationToken cancellationToken) =>
        transfers.ReadOrNullAsync<ChainDocument>(id, id, cancellationToken);

    /// <summary>
    /// Compare-and-swap on a transfer document. Returns the document as stored after the call: the updated one if
    /// this call won, or the one another writer stored first, for the caller to follow.
    /// </summary>
    public Task<(bool Won, TransferDocument Current)> SwapAsync(TransferDocument expected, TransferDocument updated, CancellationToken cancellationToken) =>
        SwapAsync(updated.Id, expected.ETag, updated with { ETag = null }, cancellationToken);

    /// <summary>Compare-and-swap on a chain document: the stored chain, and whether this call's change is what is stored.</summary>
    public Task<(bool Won, ChainDocument Current)> SwapChainAsync(ChainDocument expected, ChainDocument updated, CancellationToken cancellationToken) =>
        SwapAsync(updated.Id, expected.ETag, updated with { ETag = null }, cancellationToken);

    private async Task<(bool Won, T Current)> SwapAsync<T>(string id, string? expectedETag, T updated, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var response = await transfers.ReplaceItemAsync(updated, id, Key(id), new ItemRequestOptions { IfMatchEtag = expectedETag }, cancellationToken);
            return (true, response.Resource);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            // Another attempt decided first; the caller follows its decision from where it stands.
            return (false, await transfers.ReadOrNullAsync<T>(id, id, cancellationToken)
                ?? throw new InvalidOperationException($"{typeof(T).Name} {id} vanished."));
        }
    }
}
