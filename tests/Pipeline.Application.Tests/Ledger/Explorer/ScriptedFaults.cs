using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Tests.Ledger.Explorer;

/// <summary>
/// One process's fault plan for one operation: pauses at some steps of some transfers (the explorer resumes the writer
/// when it chooses, so other processes act meanwhile), and perhaps a crash at one (the process dies there). The
/// explorer runs one writer at a time: every other one is parked at a pause or finished.
/// </summary>
internal sealed class ScriptedFaults : ILedgerFaults
{
    private readonly Lock sync = new();
    private readonly HashSet<(LedgerStep, LedgerId)> pauses = [];
    private (LedgerStep, LedgerId)? crash;
    private TaskCompletionSource parked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the writer parks at its next pause.</summary>
    public Task Parked
    {
        get
        {
            lock (sync)
            {
                return parked.Task;
            }
        }
    }

    public void Plan(IEnumerable<(LedgerStep, LedgerId)> pauseAt, (LedgerStep, LedgerId)? crashAt)
    {
        lock (sync)
        {
            pauses.Clear();
            pauses.UnionWith(pauseAt);
            crash = crashAt;
        }
    }

    /// <summary>Lets the parked writer go on (to its next pause, or to its end).</summary>
    public void Resume()
    {
        TaskCompletionSource wake;
        lock (sync)
        {
            wake = resumed;
            parked = new(TaskCreationOptions.RunContinuationsAsynchronously);
            resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    public async ValueTask AfterAsync(LedgerStep step, LedgerId transferId)
    {
        Task wait;
        lock (sync)
        {
            if (crash == (step, transferId))
            {
                crash = null;
                throw new SimulatedCrashException(step);
            }

            if (!pauses.Remove((step, transferId)))
            {
                return;
            }

            wait = resumed.Task;
            parked.TrySetResult();
        }

        await wait;
    }
}

/// <summary>
/// A process's clock: the shared test clock, off by this process's own skew (clocks of two machines never agree);
/// its timers run on the shared clock, since time passes at the same rate everywhere.
/// </summary>
internal sealed class SkewedClock(TimeProvider shared, TimeSpan skew) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => shared.GetUtcNow() + skew;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        shared.CreateTimer(callback, state, dueTime, period);
}
