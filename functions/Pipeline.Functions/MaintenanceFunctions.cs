using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pipeline.Application.Maintenance;

namespace Pipeline.Functions;

/// <summary>
/// The Durable wrappers around the shared maintenance classes (the Durable source generators are not available to
/// us, so each orchestrator and activity has a small [Function] here), and a timer that keeps the eternal
/// orchestration alive after a deployment or a purge.
/// </summary>
public sealed class MaintenanceFunctions(LedgerMaintenance maintenance)
{
    [Function(nameof(LedgerMaintenanceOrchestrator))]
    public Task<MaintenanceResult> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new LedgerMaintenanceOrchestrator().RunAsync(context, context.GetInput<MaintenanceSchedule>() ?? MaintenanceSchedule.Default);

    [Function(nameof(LedgerMaintenanceActivity))]
    public Task<MaintenanceResult> Pass([ActivityTrigger] MaintenanceSchedule schedule) =>
        maintenance.RunOnceAsync(schedule, CancellationToken.None);

    [Function("EnsureLedgerMaintenance")]
    public Task Ensure([TimerTrigger("0 */5 * * * *", RunOnStartup = true)] TimerInfo timer, [DurableClient] DurableTaskClient client) =>
        MaintenanceScheduler.EnsureRunningAsync(client, MaintenanceSchedule.Default, CancellationToken.None);
}
