using Microsoft.Extensions.Hosting;

namespace Pipeline.Application.Ledger;

/// <summary>
/// Ties the ledger's background work (the charge completer) to the host's life: at shutdown the queued charges are
/// credited before the process ends, within the host's shutdown timeout. On Azure a Flex Consumption instance can
/// also be reclaimed without a graceful stop; what it had queued is completed by the maintenance sweep's recovery,
/// because every queued charge's record is in the ledger (docs/OPERATIONS.md).
/// </summary>
public sealed class LedgerBackgroundWork(ILedgerStore ledger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => ledger.DrainAsync(cancellationToken);
}
