using System.Collections.Concurrent;
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

/// <summary>
/// Stops a writer at chosen steps until the test lets it go: <see cref="ReachedAsync"/> waits for the writer to arrive,
/// <see cref="Release"/> lets it continue. Each gate stops its writer once; other steps and transfers pass.
/// </summary>
internal sealed class GateFaults : ILedgerFaults
{
    private readonly ConcurrentDictionary<(LedgerStep, LedgerId), (TaskCompletionSource Reached, TaskCompletionSource Released)> gates = new();

    public GateFaults At(LedgerStep step, LedgerId transfer)
    {
        gates[(step, transfer)] = (new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously));
        return this;
    }

    /// <summary>Waits (bounded) until the writer stands at the gate.</summary>
    public Task ReachedAsync(LedgerStep step, LedgerId transfer) => gates[(step, transfer)].Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));

    public void Release(LedgerStep step, LedgerId transfer) => gates[(step, transfer)].Released.TrySetResult();

    public async ValueTask AfterAsync(LedgerStep reached, LedgerId transferId)
    {
        if (gates.TryGetValue((reached, transferId), out var gate) && gate.Reached.TrySetResult())
        {
            await gate.Released.Task;
        }
    }
}

internal sealed class SimulatedCrashException(LedgerStep step) : Exception($"Simulated crash after {step}.");
