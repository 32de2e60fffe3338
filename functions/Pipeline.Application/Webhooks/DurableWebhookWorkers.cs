using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Durable;

namespace Pipeline.Application.Webhooks;

/// <summary>
/// Wakes endpoint workers through the Durable client: an external event to a running worker, a start for one that is
/// not running (<see cref="SingletonOrchestration"/>: starts race safely). At most one wake-up per endpoint per
/// <see cref="WebhookLimits.WakeUpInterval"/> (<see cref="WakeThrottle"/>); one asked for sooner is sent when the
/// interval is up, in the background. A process that stops with one owed loses it: the worker then looks on its own
/// timer (<see cref="WebhookLimits.IdleWakeUp"/>) or at the next wake-up, whichever comes first.
/// </summary>
public sealed class DurableWebhookWorkers(DurableClientSlot slot, WakeThrottle throttle, ActivePasses passes, ILogger<DurableWebhookWorkers> logger) : IWebhookWorkers, IDisposable
{
    /// <summary>Canceled when the host disposes the service: owed wake-ups are not sent by a stopping process.</summary>
    private readonly CancellationTokenSource stopping = new();

    public async Task WakeAsync(IReadOnlyCollection<EndpointWork> endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (slot.Client is not { } client)
        {
            logger.LogWarning("No Durable client to wake {Count} webhook workers with; they look on their own within {IdleWakeUp}", endpoints.Count, WebhookLimits.IdleWakeUp);
            return;
        }

        // Not those in a pass here: it looks again after this page's deliveries were scheduled (ActivePasses).
        foreach (var work in endpoints.Where(e => !passes.IsActive(e.EndpointId)))
        {
            var wait = throttle.Ask(work.EndpointId);
            if (wait == TimeSpan.Zero)
            {
                await WakeOneAsync(client, work, cancellationToken);
            }
            else if (wait is { } later)
            {
                _ = WakeLaterAsync(client, work, later);
            }
        }
    }

    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
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

    private async Task WakeLaterAsync(DurableTaskClient client, EndpointWork work, TimeSpan wait)
    {
        try
        {
            var token = stopping.Token;
            await Task.Delay(wait, token);
            throttle.Sending(work.EndpointId);
            await WakeOneAsync(client, work, token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The host is stopping: the worker looks on its own timer.
        }
#pragma warning disable CA1031 // Nothing awaits this: whatever went wrong is logged, and the worker looks on its own timer.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning(e, "Could not wake the worker of webhook endpoint {EndpointId}; it looks on its own within {IdleWakeUp}", work.EndpointId, WebhookLimits.IdleWakeUp);
        }
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
