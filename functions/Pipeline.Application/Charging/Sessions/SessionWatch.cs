using Microsoft.DurableTask.Client;
using Pipeline.Application.Durable;

namespace Pipeline.Application.Charging.Sessions;

/// <summary>
/// Starts and wakes a session's orchestration (<see cref="ChargingSessionOrchestrator"/>, instance id = the session's id)
/// through the host's Durable client. A session's first event starts it before the session is stored, so no session
/// exists without the orchestration that ends it; an Ended with events still missing wakes it, so it waits the grace
/// for them from then rather than until its idle timeout.
/// </summary>
public sealed class SessionWatch(DurableClientSlot slot)
{
    /// <returns>True when this call started it; false when it was running (or another request started it first).</returns>
    public Task<bool> EnsureStartedAsync(SessionWork work, CancellationToken cancellationToken) =>
        SingletonOrchestration.EnsureRunningAsync(Client, nameof(ChargingSessionOrchestrator), work.SessionId, work, cancellationToken);

    /// <summary>Signals the orchestration that the session changed (Ended arrived with events missing); it looks at once.</summary>
    public Task WakeAsync(string sessionId, CancellationToken cancellationToken) =>
        Client.RaiseEventAsync(sessionId, ChargingSessionOrchestrator.ChangedEvent, "changed", cancellationToken);

    private DurableTaskClient Client => slot.Client
        ?? throw new InvalidOperationException("No Durable client: a session cannot be watched. The function serving transaction events hands over its client binding.");
}
