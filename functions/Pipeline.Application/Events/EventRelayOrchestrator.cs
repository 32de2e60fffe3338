using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Pipeline.Application.Events;

/// <summary>Which feed a relay orchestration reads.</summary>
public sealed record RelayWork(string Container);

/// <summary>The activity: one relay pass of <see cref="EventLimits.RelayPassDuration"/> (all I/O lives here).</summary>
public sealed class EventRelayActivity(EventRelay relay) : TaskActivity<RelayWork, RelayPassResult>
{
    public override Task<RelayPassResult> RunAsync(TaskActivityContext context, RelayWork input) =>
        relay.RunPassAsync(input.Container, EventLimits.RelayPassDuration, CancellationToken.None);
}

/// <summary>
/// One eternal orchestration per source container (<see cref="InstanceIdOf"/>), not one per event: its cost grows with
/// the containers, not with the traffic (docs/ARCHITECTURE.md "Events"). A pass, then continue-as-new at once (the pass
/// itself polls); a failed pass is logged and retried after <see cref="RetryAfter"/>, from the cursor it left.
/// </summary>
public sealed class EventRelayOrchestrator : TaskOrchestrator<RelayWork, int>
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public static string InstanceIdOf(string container) => $"event-relay:{container}";

    public override async Task<int> RunAsync(TaskOrchestrationContext context, RelayWork input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var relayed = 0;
        try
        {
            relayed = (await context.CallActivityAsync<RelayPassResult>(nameof(EventRelayActivity), input)).Events;
        }
        catch (TaskFailedException e)
        {
            context.CreateReplaySafeLogger<EventRelayOrchestrator>().LogError(
                "The event relay of {Container} failed ({Error}); it runs again from its cursor in {RetryAfter}", input.Container, e.FailureDetails.ErrorMessage, RetryAfter);
            await context.CreateTimer(context.CurrentUtcDateTime.Add(RetryAfter), CancellationToken.None);
        }

        context.ContinueAsNew(input);
        return relayed;
    }
}
