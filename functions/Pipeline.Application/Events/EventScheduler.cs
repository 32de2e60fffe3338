using Microsoft.DurableTask.Client;
using Pipeline.Application.Durable;

namespace Pipeline.Application.Events;

/// <summary>Starts each source container's relay orchestration unless it is alive (<see cref="SingletonOrchestration"/>).</summary>
public static class EventScheduler
{
    /// <returns>How many relays this call started.</returns>
    public static async Task<int> EnsureRelaysAsync(DurableTaskClient client, EventRelay relay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var started = 0;
        foreach (var container in relay.Containers)
        {
            started += await SingletonOrchestration.EnsureRunningAsync(
                client, nameof(EventRelayOrchestrator), EventRelayOrchestrator.InstanceIdOf(container), new RelayWork(container), cancellationToken) ? 1 : 0;
        }

        return started;
    }
}
