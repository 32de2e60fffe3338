using System.Text.Json;
using Pipeline.Application.Events;
using Pipeline.Application.Http;

namespace Pipeline.Application.Webhooks;

/// <summary>
/// The relay's sink for webhooks: each event becomes a delivery for every enabled endpoint of its merchant that wants
/// its type (scheduled by event id, so a page handed over twice schedules each once), then the workers of those
/// endpoints are woken. An endpoint gets the events relayed after it was created.
/// </summary>
public sealed class WebhookScheduler(WebhookEndpointStore endpoints, DeliveryStore deliveries, IWebhookWorkers workers) : IEventSink
{
    private const int SchedulingConcurrency = 8;

    public async Task AcceptAsync(IReadOnlyList<RelayedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var scheduled = new List<(EndpointWork Work, EventEnvelope Envelope)>();
        foreach (var merchant in events.GroupBy(e => e.MerchantId, StringComparer.Ordinal))
        {
            var subscribed = await endpoints.ListAsync(merchant.Key, cancellationToken);
            scheduled.AddRange(merchant.SelectMany(relayed => subscribed.Where(e => e.Wants(relayed.Envelope.Type))
                .Select(e => (new EndpointWork(merchant.Key, e.Id), relayed.Envelope))));
        }

        // Per endpoint one batch for up to 100 deliveries (one partition each), the endpoints in parallel.
        var byEndpoint = scheduled.GroupBy(s => s.Work).ToList();
        await Parallel.ForEachAsync(byEndpoint, new ParallelOptions { MaxDegreeOfParallelism = SchedulingConcurrency, CancellationToken = cancellationToken },
            async (endpoint, token) => await deliveries.ScheduleAllAsync(endpoint.Key.EndpointId,
                [.. endpoint.Select(s => deliveries.New(s.Work.MerchantId, s.Work.EndpointId, s.Envelope.Id, s.Envelope.Type, BodyOf(s.Envelope)))], token));
        var woken = byEndpoint.Select(e => e.Key).ToHashSet();
        if (woken.Count > 0)
        {
            await workers.WakeAsync(woken, cancellationToken);
        }
    }

    /// <summary>What a webhook sends: the envelope exactly as GET /events shows it.</summary>
    public static string BodyOf(EventEnvelope envelope) => JsonSerializer.Serialize(envelope, ApiJson.Options);
}
