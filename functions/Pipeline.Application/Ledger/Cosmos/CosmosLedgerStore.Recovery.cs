using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

public sealed partial class CosmosLedgerStore
{
    private const string InFlightQuery =
        "SELECT * FROM c WHERE c.type = 'transfer' AND (c.state = 'inFlight' OR c.state = 'committing')";

    /// <summary>Charges whose credit may still be owed (see <see cref="ChargeDocument"/>).</summary>
    private const string ChargesQuery = "SELECT * FROM c WHERE c.type = 'charge'";

    /// <summary>
    /// Charges first (a dead request's automatic payment is stored and credited before anything else), then transfers,
    /// then chains; each item on its own, so one that cannot be driven is logged and left for the next pass without
    /// holding up the others.
    /// </summary>
    public async Task<int> RecoverAsync(TimeSpan olderThan, CancellationToken cancellationToken = default)
    {
        var before = Numbers.Literal(CosmosTime.ToMicros(time.GetUtcNow() - olderThan));
        var charges = await RecoverChargesAsync(CosmosTime.ToMicros(time.GetUtcNow() - olderThan), cancellationToken);
        var stuck = await QueryAllAsync<TransferDocument>(transfers, new QueryDefinition($"{InFlightQuery} AND c.createdMicros <= {before}"), null, cancellationToken);
        var driven = await EachOnItsOwnAsync(stuck, "transfer", t => ParseId(t.Id), async document =>
        {
            await ExecuteAsync(document, cancellationToken);
            return true;
        });

        // Chains that crashed before recording a link, or while releasing after a failure, have no link in flight.
        var chains = await QueryAllAsync<ChainDocument>(transfers, new QueryDefinition(
            "SELECT * FROM c WHERE c.type = 'chain' AND (c.state = 'inFlight' OR c.state = 'committing' OR (c.state = 'failed' AND c.cleanedUp = false)) "
            + $"AND c.createdMicros <= {before}"), null, cancellationToken);
        var chained = await EachOnItsOwnAsync(chains, "chain", c => ChainLedgerId(c.Id), async chain =>
        {
            await DriveChainAsync(chain, cancellationToken);
            return true;
        });
        var closes = await RecoverClosesAsync(CosmosTime.ToMicros(time.GetUtcNow() - olderThan), cancellationToken);
        return charges + driven + chained + closes;
    }

    /// <summary>Runs <paramref name="drive"/> on each item; a failure is logged with the item's id and does not stop the rest. Counts the trues.</summary>
    private async Task<int> EachOnItsOwnAsync<T>(IReadOnlyList<T> items, string kind, Func<T, LedgerId> idOf, Func<T, Task<bool>> drive)
    {
        var counted = 0;
        foreach (var item in items)
        {
            try
            {
                counted += await drive(item) ? 1 : 0;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Ledger maintenance could not drive {Kind} {Id}; it stays as it is and the next pass tries again", kind, idOf(item));
            }
        }

        return counted;
    }
}
