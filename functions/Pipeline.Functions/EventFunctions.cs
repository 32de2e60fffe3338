using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pipeline.Application.Durable;
using Pipeline.Application.Events;

namespace Pipeline.Functions;

/// <summary>
/// The Durable wrappers around the shared event relay classes (one orchestration per source container) and a timer
/// that keeps each relay alive after a deployment or a purge, as <see cref="MaintenanceFunctions"/> does for
/// maintenance. With Pipeline:Events:RelayEnabled off the timer starts nothing.
/// </summary>
public sealed class EventFunctions(EventRelay relay, IOptions<EventOptions> options, DurableClientSlot durable)
{
    [Function(nameof(EventRelayOrchestrator))]
    public Task<int> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new EventRelayOrchestrator().RunAsync(context, context.GetInput<RelayWork>()
            ?? throw new InvalidOperationException("The relay orchestration is started with its container (EnsureEventRelays)."));

    /// <summary>The pass wakes webhook workers: it hands its client binding to the services that do (<see cref="DurableClientSlot"/>).</summary>
    [Function(nameof(EventRelayActivity))]
    public Task<RelayPassResult> Pass([ActivityTrigger] RelayWork work, [DurableClient] DurableTaskClient client)
    {
        durable.Client ??= client;
        return relay.RunPassAsync(work.Container, EventLimits.RelayPassDuration, CancellationToken.None);
    }

    [Function("EnsureEventRelays")]
    public Task Ensure([TimerTrigger("0 */5 * * * *", RunOnStartup = false)] TimerInfo timer, [DurableClient] DurableTaskClient client) =>
        options.Value.RelayEnabled ? EventScheduler.EnsureRelaysAsync(client, relay, CancellationToken.None) : Task.CompletedTask;
}
