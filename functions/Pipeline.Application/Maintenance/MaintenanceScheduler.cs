using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Pipeline.Application.Maintenance;

/// <summary>Starts the eternal maintenance orchestration unless it is already running; both hosts call this.</summary>
public static class MaintenanceScheduler
{
    public static async Task EnsureRunningAsync(DurableTaskClient client, MaintenanceSchedule schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var existing = await client.GetInstanceAsync(LedgerMaintenanceOrchestrator.InstanceId, cancellationToken);
        if (existing is { IsRunning: true } or { RuntimeStatus: OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended })
        {
            return;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(
            nameof(LedgerMaintenanceOrchestrator), schedule, new StartOrchestrationOptions(LedgerMaintenanceOrchestrator.InstanceId), cancellationToken);
    }
}
