using Microsoft.DurableTask.Client;
using Pipeline.Application.Durable;

namespace Pipeline.Application.Maintenance;

/// <summary>Starts the eternal maintenance orchestration unless it is alive (<see cref="SingletonOrchestration"/>).</summary>
public static class MaintenanceScheduler
{
    /// <returns>True when this call started it; false when it was alive or another caller started it first.</returns>
    public static Task<bool> EnsureRunningAsync(DurableTaskClient client, MaintenanceSchedule schedule, CancellationToken cancellationToken) =>
        EnsureRunningAsync(client, LedgerMaintenanceOrchestrator.InstanceId, schedule, cancellationToken);

    /// <summary>The same for another instance id of the orchestration (tests race on their own instance).</summary>
    public static Task<bool> EnsureRunningAsync(DurableTaskClient client, string instanceId, MaintenanceSchedule schedule, CancellationToken cancellationToken) =>
        SingletonOrchestration.EnsureRunningAsync(client, nameof(LedgerMaintenanceOrchestrator), instanceId, schedule, cancellationToken);
}
