using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Hosting;
using Pipeline.Application.Cosmos;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// Which way of naming ledger ids the database was written with. Scheme 2 reserved the ids with the top byte 0xFF for
/// the system's own transfers (charges, expiries; <see cref="Domain.Ledgers.LedgerId.IsReserved"/>), which moved some
/// derived ids and payments' charge ids: data written by an earlier build does not match this code, and this code
/// running on it would miss accounts and charge twice. So every host checks at start-up: an empty database is marked
/// with the current scheme; one marked with it is used; one holding data without the mark (written before) or with
/// another mark stops the host with one message. No build before scheme 2 was released, so there is no migration.
/// </summary>
public sealed class LedgerScheme(Database database) : IHostedService
{
    public const int Current = 2;

    /// <summary>The marker's id in the transfers container: not 32 hex digits, so no transfer's id.</summary>
    internal const string DocumentId = "ledger-scheme";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var transfers = database.GetContainer(LedgerContainers.Transfers);
        var marker = await transfers.ReadOrNullAsync<SchemeDocument>(DocumentId, DocumentId, cancellationToken);
        if (marker is null)
        {
            // The marker itself is no data: another host starting at the same moment may have just written it.
            using var any = transfers.GetItemQueryIterator<JsonElement>(
                new QueryDefinition("SELECT TOP 1 c.id FROM c WHERE c.id != @marker").WithParameter("@marker", DocumentId));
            if ((await any.ReadNextAsync(cancellationToken)).Count > 0)
            {
                throw new InvalidOperationException(
                    $"The ledger database '{database.Id}' holds data written by a build before ledger scheme {Current} (reserved ids): "
                    + "this build cannot use it. Recreate the database (nothing released was written that way).");
            }

            marker = new SchemeDocument { Scheme = Current };
            try
            {
                await transfers.CreateItemAsync(marker, new PartitionKey(DocumentId), cancellationToken: cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                marker = await transfers.ReadOrNullAsync<SchemeDocument>(DocumentId, DocumentId, cancellationToken); // another host marked it first
            }
        }

        if (marker?.Scheme != Current)
        {
            throw new InvalidOperationException($"The ledger database '{database.Id}' is marked ledger scheme {marker?.Scheme}; this build uses {Current}.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal sealed record SchemeDocument
    {
        [JsonPropertyName("id")]
        public string Id { get; init; } = DocumentId;

        public string Type { get; init; } = "scheme";

        public int Scheme { get; init; }
    }
}
