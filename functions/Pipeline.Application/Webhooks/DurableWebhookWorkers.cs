using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Durable;

namespace Pipeline.Application.Webhooks;

/// <summary>
/// Wakes endpoint workers through the Durable client: an external event to a running worker, a start for one that is
/// not running (<see cref="SingletonOrchestration"/>: starts race safely). One wake-up per endpoint per relayed page
/// (not per event). None is skipped: a worker may have finished its pass just after the previous one, and would then
/// sleep through what this one announces (a test caught a redelivery waiting 5 minutes that way).
/// </summary>
public sealed class DurableWebhookWorkers(DurableClientSlot slot, ILogger<DurableWebhookWorkers> logger) : IWebhookWorkers
{
    public async Task WakeAsync(IReadOnlyCollection<EndpointWork> endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (slot.Client is not { } client)
        {
            logger.LogWarning("No Durable client to wake {Count} webhook workers with; they look on their own within {IdleWakeUp}", endpoints.Count, WebhookLimits.IdleWakeUp);
            return;
        }

        foreach (var work in endpoints)
        {
            await WakeOneAsync(client, work, cancellationToken);
        }
    }

    /// <summary>Starts the worker of every endpoint with pending deliveries that is not running (after a deployment, a purge, a lost start).</summary>
    public static async Task<int> EnsureRunningAsync(DurableTaskClient client, DeliveryStore deliveries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        var started = 0;
        foreach (var (merchantId, endpointId) in await deliveries.EndpointsWithPendingAsync(cancellationToken))
        {
            started += await StartAsync(client, new EndpointWork(merchantId, endpointId), cancellationToken) ? 1 : 0;
        }

        return started;
    }

    private static async Task WakeOneAsync(DurableTaskClient client, EndpointWork work, CancellationToken cancellationToken)
    {
        if (!await StartAsync(client, work, cancellationToken))
        {
            // Alive: signal it. (Raised to an instance that just ended, it is dropped; the next page starts it again.)
            await client.RaiseEventAsync(WebhookEndpointOrchestrator.InstanceIdOf(work.EndpointId), WebhookEndpointOrchestrator.WakeEvent, "due", cancellationToken);
        }
    }

    private static Task<bool> StartAsync(DurableTaskClient client, EndpointWork work, CancellationToken cancellationToken) =>
        SingletonOrchestration.EnsureRunningAsync(client, nameof(WebhookEndpointOrchestrator), WebhookEndpointOrchestrator.InstanceIdOf(work.EndpointId), work, cancellationToken);
}
