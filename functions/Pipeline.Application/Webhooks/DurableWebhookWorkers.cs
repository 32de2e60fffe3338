using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Durable;

namespace Pipeline.Application.Webhooks;

/// <summary>
/// Wakes endpoint workers through the Durable client: an external event to a running worker, a start for one that is
/// not running (<see cref="SingletonOrchestration"/>: starts race safely). At most one wake-up per endpoint per
/// <see cref="WebhookLimits.WakeUpInterval"/> (<see cref="WakeThrottle"/>); one asked for sooner is sent when the
/// interval is up, in the background (or at once when the host stops). A process killed with one owed loses it: the
/// worker then looks on its own timer (<see cref="WebhookLimits.IdleWakeUp"/>) or at the next wake-up, whichever first.
/// </summary>
public sealed class DurableWebhookWorkers(DurableClientSlot slot, WakeThrottle throttle, ActivePasses passes, ILogger<DurableWebhookWorkers> logger) : IWebhookWorkers, IDisposable
{
    /// <summary>Tries of an owed wake-up before it is given up (logged).</summary>
    private const int OwedWakeUpAttempts = 3;

    /// <summary>Canceled when the host disposes the service: owed wake-ups are sent at once.</summary>
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

    /// <summary>Sends the owed wake-ups at once (not disposed itself: those still sending read its token).</summary>
    public void Dispose() => stopping.Cancel();

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

    /// <summary>
    /// The owed wake-up, when its interval is up — or at once when the host stops (a deployment or scale-in would
    /// otherwise leave the worker to its 5-minute timer). The relay's cursor moved on long ago, so a failed send is
    /// tried again here (found in review): a few times, then the worker looks on its own timer.
    /// </summary>
    private async Task WakeLaterAsync(DurableTaskClient client, EndpointWork work, TimeSpan wait)
    {
        try
        {
            await Task.Delay(wait, stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping: send it now.
        }

        throttle.Sending(work.EndpointId);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WakeOneAsync(client, work, CancellationToken.None);
                return;
            }
            catch (ObjectDisposedException)
            {
                return; // the host stopped under it: the worker looks on its own timer
            }
#pragma warning disable CA1031 // Nothing awaits this: a failure is retried, then logged, and the worker looks on its own timer.
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (attempt >= OwedWakeUpAttempts || stopping.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Could not wake the worker of webhook endpoint {EndpointId}; it looks on its own within {IdleWakeUp}", work.EndpointId, WebhookLimits.IdleWakeUp);
                    return;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(attempt));
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
