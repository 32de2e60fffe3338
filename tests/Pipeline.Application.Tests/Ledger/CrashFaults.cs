using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>Kills the protocol (throws) the first time one transfer reaches one step, as a process crash would.</summary>
internal sealed class CrashFaults(LedgerStep step, LedgerId transfer) : ILedgerFaults
{
    private int crashed;

    public bool Crashed => crashed == 1;

    public ValueTask AfterAsync(LedgerStep reached, LedgerId transferId)
    {
        if (reached == step && transferId == transfer && Interlocked.Exchange(ref crashed, 1) == 0)
        {
            throw new SimulatedCrashException(step);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Runs an action (another writer) the first time one transfer reaches one step, then lets it go on.</summary>
internal sealed class InterleavingFaults(LedgerStep step, LedgerId transfer, Func<Task> between) : ILedgerFaults
{
    private int ran;

    public async ValueTask AfterAsync(LedgerStep reached, LedgerId transferId)
    {
        if (reached == step && transferId == transfer && Interlocked.Exchange(ref ran, 1) == 0)
        {
            await between();
        }
    }
}

internal sealed class SimulatedCrashException(LedgerStep step) : Exception($"Simulated crash after {step}.");
