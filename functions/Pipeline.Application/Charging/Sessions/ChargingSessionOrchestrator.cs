using Microsoft.DurableTask;
using Pipeline.Application.Cosmos;

namespace Pipeline.Application.Charging.Sessions;

/// <summary>
/// Which session an orchestration watches, and when its first event was received (a session never stored is given up
/// after the idle timeout). <paramref name="SleepUntilMicros"/>: in the first generation only, when the first look is due
/// (nothing can be due before the idle timeout or the deadline unless a request wakes it), so a session's start costs
/// no activity.
/// </summary>
public sealed record SessionWork(string MerchantId, string SessionId, long FirstEventMicros, long? SleepUntilMicros = null);

/// <summary>What a look at the session found: finished (captured, or nothing to do), or when to look again.</summary>
public sealed record SessionCheck(bool Done, long NextCheckMicros);

/// <summary>The activity: one look at the session, ending it when it is due (all I/O lives here).</summary>
public sealed class CheckSessionActivity(SessionFinalizer finalizer) : TaskActivity<SessionWork, SessionCheck>
{
    public override Task<SessionCheck> RunAsync(TaskActivityContext context, SessionWork input) => finalizer.CheckAsync(input, CancellationToken.None);
}

/// <summary>
/// One orchestration per charging session (instance id = the session's id), started with its first event. Each
/// generation sleeps on a durable timer until the next moment something is due — the idle timeout, the session's
/// deadline (its maximum duration, or before its hold's captures close), the grace for events still missing after
/// Ended — or until a request wakes it (<see cref="ChangedEvent"/>: Ended arrived with events still missing), then looks
/// at the session (<see cref="CheckSessionActivity"/>); the look ends the session when it is due (<see cref="SessionFinalizer"/>),
/// else the next generation (continue-as-new, so the history stays one round) sleeps until the time the look gave. A
/// session whose events all arrive is ended by the request that brings the last of them (the same finalizer, whose steps
/// are safe to run twice); the orchestration then finds it completed at its timer. So a session costs the Durable
/// backend one start and one look, and its capture never waits for it. Stations' events never go through it.
/// </summary>
public sealed class ChargingSessionOrchestrator : TaskOrchestrator<SessionWork, bool>
{
    public const string ChangedEvent = "session-changed";

    /// <summary>
    /// A look that throws (Cosmos DB slow or unreachable for a moment, the payment busy) is tried again within seconds
    /// (after 1, 2 and 4): the look at the deadline must capture before the hold's captures close, and the margin for
    /// that is a quarter of the hold's open time, as little as seconds with a short authorization window (the deadline
    /// test's 14 seconds, which one 30-second wait overshoots: the capture is refused and the session completes
    /// with nothing captured). Every step of a look is safe to repeat.
    /// </summary>
    private static readonly TaskOptions Retried = TaskOptions.FromRetryPolicy(new RetryPolicy(4, TimeSpan.FromSeconds(1), backoffCoefficient: 2));

    /// <summary>A look that failed every retry is tried again after this.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    public override async Task<bool> RunAsync(TaskOrchestrationContext context, SessionWork input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        if ((input.SleepUntilMicros is { } until ? Time(until) : await LookAsync(context, input)) is not { } next)
        {
            return true;
        }

        using (var sleep = new CancellationTokenSource())
        {
            var timer = context.CreateTimer(next < context.CurrentUtcDateTime ? context.CurrentUtcDateTime : next, sleep.Token);
            var changed = context.WaitForExternalEvent<string>(ChangedEvent, sleep.Token);
            await Task.WhenAny(timer, changed);
            // The one left waiting is canceled; synchronously, as an orchestrator's code must not continue on another thread.
#pragma warning disable CA1849
            sleep.Cancel();
#pragma warning restore CA1849
        }

        if (await LookAsync(context, input) is not { } later)
        {
            return true;
        }

        context.ContinueAsNew(input with { SleepUntilMicros = CosmosTime.ToMicros(new DateTimeOffset(later, TimeSpan.Zero)) }, preserveUnprocessedEvents: true);
        return false;
    }

    /// <summary>One look at the session: null when it is finished, else when to look again.</summary>
    private static async Task<DateTime?> LookAsync(TaskOrchestrationContext context, SessionWork input)
    {
        try
        {
            var check = await context.CallActivityAsync<SessionCheck>(nameof(CheckSessionActivity), input, Retried);
            return check.Done ? null : Time(check.NextCheckMicros);
        }
        catch (TaskFailedException)
        {
            return context.CurrentUtcDateTime.Add(RetryAfter);
        }
    }

    private static DateTime Time(long micros) => new(CosmosTime.ToTicks(micros), DateTimeKind.Utc);
}
