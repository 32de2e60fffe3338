using System.Collections.Concurrent;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Durable;

namespace Pipeline.Application.Webhooks;

/// <summary>
/// Wakes endpoint workers through the Durable client: an external event to a running worker, a start for one that is
/// not running (<see cref="SingletonOrchestration"/>: starts race safely). At most one wake-up per endpoint per
/// <see cref="WakeInterval"/> from this process — a busy relay would otherwise send one per page; a worker that is
/// awake finds everything due anyway.
/// </summary>
public sealed class DurableWebhookWorkers(DurableClientSlot slot, TimeProvider time, ILogger<DurableWebhookWorkers> logger) : IWebhookWorkers
{
    public static readonly TimeSpan WakeInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> lastWoken = new(StringComparer.Ordinal);

    public async Task WakeAsync(IReadOnlyCollection<EndpointWork> endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (slot.Client is not { } client)
        {
            logger.LogWarning("No Durable client to wake {Count} webhook workers with; they look on their own within {IdleWakeUp}", endpoints.Count, WebhookLimits.IdleWakeUp);
            return;
        }

        var now = time.GetUtcNow();
        foreach (var work in endpoints)
        {
            if (lastWoken.TryGetValue(work.EndpointId, out var last) && now - last < WakeInterval)
            {
                continue;
            }

            lastWoken[work.EndpointId] = now;
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
