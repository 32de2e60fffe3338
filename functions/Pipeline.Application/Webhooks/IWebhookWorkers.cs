namespace Pipeline.Application.Webhooks;

/// <summary>
/// The endpoints' delivery workers (one eternal orchestration each): wakes a worker when deliveries became due for it,
/// starting it if it is not running. A lost wake-up costs latency only: a worker looks at least every
/// <see cref="WebhookLimits.IdleWakeUp"/>, and the hosts restart workers that have pending deliveries.
/// </summary>
public interface IWebhookWorkers
{
    Task WakeAsync(IReadOnlyCollection<EndpointWork> endpoints, CancellationToken cancellationToken);
}

/// <summary>Which endpoint a worker delivers to.</summary>
public sealed record EndpointWork(string MerchantId, string EndpointId);
