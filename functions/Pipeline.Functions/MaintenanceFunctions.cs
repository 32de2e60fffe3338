using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pipeline.Application.Maintenance;

namespace Pipeline.Functions;

/// <summary>
/// The Durable wrappers around the shared maintenance classes (the Durable source generators are not available to
/// us, so each orchestrator and activity has a small [Function] here), and a timer that keeps the eternal
/// orchestration alive after a deployment or a purge. The timer does not run on start-up: on Flex Consumption every
/// new instance would run it (each scale-out), and the first tick, within 5 minutes of a deployment, is soon enough.
/// </summary>
public sealed class MaintenanceFunctions(LedgerMaintenance maintenance, IOptions<MaintenanceOptions> options)
{
    [Function(nameof(LedgerMaintenanceOrchestrator))]
    public Task<MaintenanceResult> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new LedgerMaintenanceOrchestrator().RunAsync(context, context.GetInput<MaintenanceSchedule>()
            ?? throw new InvalidOperationException("The maintenance orchestration is started with its schedule (EnsureLedgerMaintenance)."));

    [Function(nameof(LedgerMaintenanceActivity))]
    public Task<MaintenanceResult> Pass([ActivityTrigger] MaintenanceSchedule schedule) =>
        maintenance.RunOnceAsync(CancellationToken.None);

    [Function("EnsureLedgerMaintenance")]
    public Task Ensure([TimerTrigger("0 */5 * * * *", RunOnStartup = false)] TimerInfo timer, [DurableClient] DurableTaskClient client) =>
        MaintenanceScheduler.EnsureRunningAsync(client, new MaintenanceSchedule(options.Value.Interval), CancellationToken.None);
}
