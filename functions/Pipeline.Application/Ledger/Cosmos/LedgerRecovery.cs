using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// Drives to their end what writers left in flight (they died, or their request was cancelled): charges, transfers,
/// chains and close attempts older than a grace period. Every step it takes is one the writer would have taken, and
/// each is idempotent, so a writer still at work and recovery can race on the same item.
/// </summary>
internal sealed class LedgerRecovery(
    TransferDocuments transfers, TransferProtocol protocol, ChargeBook charges, AccountClosing closing, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// Charges first (a dead request's automatic payment is stored and credited before anything else), then transfers,
    /// then chains, then close attempts; each item on its own, so one that cannot be driven is logged and left for the
    /// next pass without holding up the others.
    /// </summary>
    public async Task<int> RecoverAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        // Each phase takes its own cut-off when it starts: what aged past the grace period while an earlier phase ran
        // (a close attempt left hanging, above all) is handled in this pass, not the next.
        long CutOff() => CosmosTime.ToMicros(time.GetUtcNow() - olderThan);
        var before = Numbers.Literal(CutOff());
        var recovered = await charges.RecoverAsync(CutOff(), cancellationToken);
        var stuck = await transfers.Container.QueryAllAsync<TransferDocument>(
            new QueryDefinition($"{TransferDocuments.InFlightQuery} AND c.createdMicros <= {before}"), null, cancellationToken);
        recovered += await MaintenancePass.EachOnItsOwnAsync(logger, stuck, "transfer", t => ParseId(t.Id), async document =>
        {
            await protocol.ExecuteAsync(document, cancellationToken);
            return true;
        });

        // Chains that crashed before recording a link, or while releasing after a failure, have no link in flight.
        var chains = await transfers.Container.QueryAllAsync<ChainDocument>(new QueryDefinition(
            "SELECT * FROM c WHERE c.type = 'chain' AND (c.state = 'inFlight' OR c.state = 'committing' OR (c.state = 'failed' AND c.cleanedUp = false)) "
            + $"AND c.createdMicros <= {before}"), null, cancellationToken);
        recovered += await MaintenancePass.EachOnItsOwnAsync(logger, chains, "chain", c => ChainLedgerId(c.Id), async chain =>
        {
            await protocol.Chains.DriveChainAsync(chain, cancellationToken);
            return true;
        });
        return recovered + await closing.RecoverAsync(CutOff(), cancellationToken);
    }
}
