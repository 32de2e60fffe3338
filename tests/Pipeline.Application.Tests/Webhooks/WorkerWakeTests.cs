using Microsoft.DurableTask;
using Pipeline.Application.Webhooks;
using Pipeline.Local.Durable;
using Pipeline.Local.Emulators;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace Pipeline.Application.Tests.Webhooks;

/// <summary>
/// The endpoint worker on the real Durable engine (DurableTask.Core, Azure Storage backend on Azurite), its pass
/// replaced by one that counts. The relay wakes a worker once per relayed page, so under steady traffic many wake-ups
/// arrive while one pass runs; they must cost one more pass, not one each (found sound in review, kept as a guard:
/// ContinueAsNew(preserveUnprocessedEvents) could otherwise turn N buffered wake-ups into N passes).
/// </summary>
public sealed class WorkerWakeTests
{
    [Fact]
    public async Task Wake_ups_that_arrive_during_one_pass_cost_one_more_pass_not_one_each()
    {
        var root = CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory);
        var folder = Path.Combine(Path.GetTempPath(), $"review13-azurite-{Guid.NewGuid():N}");
        await using var azurite = await AzuriteProcess.StartAsync(root, folder);

        var passes = 0;
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var engine = await DurableEngine.StartAsync(azurite.ConnectionString, $"wake{Guid.NewGuid():N}"[..20], registry => registry
            .AddOrchestrator<WebhookEndpointOrchestrator>()
            .AddActivityFunc<EndpointWork, DeliveryPassResult>(nameof(DeliverDueActivity), async (_, _) =>
            {
                if (Interlocked.Increment(ref passes) == 1)
                {
                    firstStarted.TrySetResult();
                    await releaseFirst.Task; // a slow receiver: the pass takes a while
                }

                return new DeliveryPassResult(0, null, false); // nothing left due: sleep until woken (or 5 min)
            }), _ => { });

        var work = new EndpointWork("mer_wake", "we_" + new string('b', 24));
        var instance = WebhookEndpointOrchestrator.InstanceIdOf(work.EndpointId);
        await engine.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WebhookEndpointOrchestrator), work, new StartOrchestrationOptions(instance));
        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // Ten relayed pages while the pass runs: ten wake-ups.
        for (var i = 0; i < 10; i++)
        {
            await engine.Client.RaiseEventAsync(instance, WebhookEndpointOrchestrator.WakeEvent, "due");
        }

        await Task.Delay(TimeSpan.FromSeconds(2)); // let the engine take them in
        releaseFirst.TrySetResult();

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30) && Volatile.Read(ref passes) < 11)
        {
            await Task.Delay(250);
        }

        Assert.True(Volatile.Read(ref passes) <= 3, $"Ten wake-ups raised during one pass made {passes - 1} more passes.");
        await engine.Client.TerminateInstanceAsync(instance);
    }
}
