using Microsoft.DurableTask;

namespace Pipeline.Application.Webhooks;

/// <summary>The activity: one delivery pass for the endpoint (all I/O lives here).</summary>
public sealed class DeliverDueActivity(DeliveryPass pass) : TaskActivity<EndpointWork, DeliveryPassResult>
{
    public override Task<DeliveryPassResult> RunAsync(TaskActivityContext context, EndpointWork input) => pass.RunAsync(input, CancellationToken.None);
}

/// <summary>
/// One eternal orchestration per endpoint (<see cref="InstanceIdOf"/>), not one per event or delivery: a pass, then
/// a durable timer until the next delivery is due (at most <see cref="WebhookLimits.IdleWakeUp"/>) raced against a
/// wake-up from the relay (<see cref="WakeEvent"/>), then continue-as-new keeping a wake-up that came meanwhile. The
/// retry schedule lives on the deliveries, so the orchestration's state is only "which endpoint". It ends when the
/// endpoint is deleted or disabled; the relay starts it again when the endpoint has deliveries once more.
/// </summary>
public sealed class WebhookEndpointOrchestrator : TaskOrchestrator<EndpointWork, int>
{
    public const string WakeEvent = "deliveries-due";

    public static string InstanceIdOf(string endpointId) => $"webhook:{endpointId}";

    public override async Task<int> RunAsync(TaskOrchestrationContext context, EndpointWork input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        DeliveryPassResult pass;
        try
        {
            pass = await context.CallActivityAsync<DeliveryPassResult>(nameof(DeliverDueActivity), input);
        }
        catch (TaskFailedException)
        {
            // A failed pass (Cosmos unreachable, say) changes nothing that is due: look again shortly.
            pass = new DeliveryPassResult(0, Cosmos.CosmosTime.ToMicros(context.CurrentUtcDateTime.AddSeconds(30)), false);
        }

        if (pass.EndpointGone)
        {
            return pass.Attempts;
        }

        var now = context.CurrentUtcDateTime;
        var latest = now.Add(WebhookLimits.IdleWakeUp);
        var next = pass.NextDueMicros is { } due ? new DateTime(Cosmos.CosmosTime.ToTicks(due), DateTimeKind.Utc) : latest;
        using var sleep = new CancellationTokenSource();
        var timer = context.CreateTimer(next < now ? now : next > latest ? latest : next, sleep.Token);
        var wake = context.WaitForExternalEvent<string>(WakeEvent, sleep.Token);
        await Task.WhenAny(timer, wake);
        // The one left waiting is canceled; a wake-up arriving after that is kept for the next generation. Synchronously:
        // an orchestrator's code must not continue on another thread, where CancelAsync may run its callbacks.
#pragma warning disable CA1849
        sleep.Cancel();
#pragma warning restore CA1849

        context.ContinueAsNew(input, preserveUnprocessedEvents: true);
        return pass.Attempts;
    }
}
