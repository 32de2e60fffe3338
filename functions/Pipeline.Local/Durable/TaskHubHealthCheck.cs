using Pipeline.Application.Health;
using Pipeline.Application.Maintenance;

namespace Pipeline.Local.Durable;

/// <summary>
/// GET /health's check of the task hub (and so of the storage account under it): the maintenance orchestration's
/// state can be read. The engine starts after the web host, so the check learns of it through <see cref="Engine"/>.
/// </summary>
public sealed class TaskHubHealthCheck : IHealthCheck
{
    public DurableEngine? Engine { get; set; }

    public string Name => "taskHub";

    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        if (Engine is null)
        {
            return false;
        }

        try
        {
            await Engine.Client.GetInstanceAsync(LedgerMaintenanceOrchestrator.InstanceId, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or InvalidOperationException)
        {
            return false;
        }
    }
}
