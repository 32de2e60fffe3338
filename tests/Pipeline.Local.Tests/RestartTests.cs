using Microsoft.DurableTask.Client;
using Pipeline.Application.Maintenance;
using Pipeline.Local.Emulators;

namespace Pipeline.Local.Tests;

/// <summary>
/// Orchestrations in flight survive a restart of the local host: the task hub lives in Azurite, and a new host
/// finds the same instance still running instead of starting another.
/// </summary>
public sealed class RestartTests
{
    [Fact]
    public async Task An_orchestration_in_flight_survives_a_restart_of_the_host()
    {
        var root = CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory);
        await using var azurite = await AzuriteProcess.StartAsync(root, Path.Combine(Path.GetTempPath(), "pipeline-restart-" + Guid.NewGuid().ToString("N")));
        await using var cosmos = await CosmosEmulatorProcess.StartAsync(root);
        var settings = new Dictionary<string, string?>
        {
            ["Pipeline:Local:Url"] = "http://127.0.0.1:0",
            ["Pipeline:AdminKey"] = new string('a', 40),
            ["Pipeline:Cosmos:Endpoint"] = cosmos.Endpoint.ToString(),
            ["Pipeline:Local:StorageConnectionString"] = azurite.ConnectionString,
            ["Pipeline:Maintenance:Interval"] = "01:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        DateTimeOffset createdBefore;
        await using (var first = await LocalHost.StartAsync([], settings))
        {
            var instance = await WaitUntilRunningAsync(first.Durable.Client);
            createdBefore = instance.CreatedAt;
        }

        var restartedAt = DateTimeOffset.UtcNow;
        await using var second = await LocalHost.StartAsync([], settings);
        var after = await WaitUntilRunningAsync(second.Durable.Client);

        Assert.Equal(createdBefore, after.CreatedAt);
        Assert.True(after.CreatedAt < restartedAt, "The instance was started again instead of surviving.");
    }

    private static async Task<OrchestrationMetadata> WaitUntilRunningAsync(DurableTaskClient client)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var instance = await client.GetInstanceAsync(LedgerMaintenanceOrchestrator.InstanceId);
            if (instance is { RuntimeStatus: OrchestrationRuntimeStatus.Running } || DateTimeOffset.UtcNow > deadline)
            {
                return instance ?? throw new InvalidOperationException("The maintenance orchestration does not exist.");
            }

            await Task.Delay(200);
        }
    }
}
