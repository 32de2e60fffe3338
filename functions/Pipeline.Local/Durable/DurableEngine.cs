using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;

namespace Pipeline.Local.Durable;

/// <summary>
/// The Durable Task engine of the local host: DurableTask.Core — the engine inside Durable Functions — with the
/// Azure Storage backend (on Azurite), reached through the in-process gRPC sidecar (<see cref="TaskHubGrpcServer"/>),
/// so the same orchestrator and activity classes as the Functions app run here, and survive a restart.
/// </summary>
public sealed class DurableEngine : IAsyncDisposable
{
    /// <summary>
    /// How long work taken by a process that died stays invisible to the next one. The default (5 min) suits a
    /// fleet; locally a restart should pick up in-flight orchestrations within seconds.
    /// </summary>
    public static readonly TimeSpan ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The same for activities (a maintenance pass the dead process had taken): 5 min by default. The engine renews
    /// a running activity's message every few seconds, so a live pass keeps it however long it runs.
    /// </summary>
    public static readonly TimeSpan WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(20);

    private readonly WebApplication sidecar;
    private readonly IHost worker;
    private readonly GrpcChannel channel;

    private DurableEngine(WebApplication sidecar, IHost worker, GrpcChannel channel)
    {
        this.sidecar = sidecar;
        this.worker = worker;
        this.channel = channel;
    }

    public DurableTaskClient Client => worker.Services.GetRequiredService<DurableTaskClient>();

    /// <param name="connectionString">The storage account (Azurite) holding the task hub.</param>
    /// <param name="tasks">The orchestrators and activities to run.</param>
    /// <param name="services">What the activities need from the host's services.</param>
    public static async Task<DurableEngine> StartAsync(string connectionString, string taskHub, Action<DurableTaskRegistry> tasks, Action<IServiceCollection> services)
    {
        var orchestration = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = taskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            PartitionCount = 1,
            ControlQueueVisibilityTimeout = ControlQueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = WorkItemQueueVisibilityTimeout,
            MaxQueuePollingInterval = TimeSpan.FromSeconds(1),
        });
        await orchestration.CreateIfNotExistsAsync();

        var sidecarBuilder = WebApplication.CreateSlimBuilder();
        sidecarBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
        sidecarBuilder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        sidecarBuilder.Services.AddGrpc();
        sidecarBuilder.Services.AddSingleton<IOrchestrationService>(orchestration);
        sidecarBuilder.Services.AddSingleton<IOrchestrationServiceClient>(orchestration);
        sidecarBuilder.Services.AddSingleton<TaskHubGrpcServer>();
        var sidecar = sidecarBuilder.Build();
        sidecar.MapGrpcService<TaskHubGrpcServer>();
        await sidecar.StartAsync();

        // Port 0: the OS picks it as Kestrel binds, so no other process can take it in between.
        var channel = GrpcChannel.ForAddress(sidecar.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var workerBuilder = Host.CreateApplicationBuilder();
        workerBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
        services(workerBuilder.Services);
        workerBuilder.Services.AddDurableTaskWorker(builder => builder.AddTasks(tasks).UseGrpc(channel));
        workerBuilder.Services.AddDurableTaskClient(builder => builder.UseGrpc(channel));
        var worker = workerBuilder.Build();
        await worker.StartAsync();
        return new DurableEngine(sidecar, worker, channel);
    }

    /// <summary>The worker first: while its work-item stream is open, the sidecar would wait ~30 s to stop.</summary>
    public async ValueTask DisposeAsync()
    {
        await worker.StopAsync();
        worker.Dispose();
        await sidecar.StopAsync();
        await sidecar.DisposeAsync();
        channel.Dispose();
    }
}
