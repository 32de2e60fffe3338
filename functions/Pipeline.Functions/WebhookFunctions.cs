using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pipeline.Application.Durable;
using Pipeline.Application.Webhooks;

namespace Pipeline.Functions;

/// <summary>
/// The Durable wrappers around the endpoint workers (one orchestration per webhook endpoint) and a timer that starts
/// the worker of every endpoint with pending deliveries that is not running (after a deployment or a purge).
/// </summary>
public sealed class WebhookFunctions(DeliveryPass pass, DeliveryStore deliveries, DurableClientSlot durable)
{
    [Function(nameof(WebhookEndpointOrchestrator))]
    public Task<int> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new WebhookEndpointOrchestrator().RunAsync(context, context.GetInput<EndpointWork>()
            ?? throw new InvalidOperationException("An endpoint worker is started with its endpoint (the relay or EnsureWebhookWorkers)."));

    [Function(nameof(DeliverDueActivity))]
    public Task<DeliveryPassResult> Deliver([ActivityTrigger] EndpointWork work) => pass.RunAsync(work, CancellationToken.None);

    [Function("EnsureWebhookWorkers")]
    public Task Ensure([TimerTrigger("0 */5 * * * *", RunOnStartup = false)] TimerInfo timer, [DurableClient] DurableTaskClient client)
    {
        durable.Client ??= client;
        return DurableWebhookWorkers.EnsureRunningAsync(client, deliveries, CancellationToken.None);
    }
}
