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
    public async Task AcceptAsync(IReadOnlyList<RelayedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var woken = new HashSet<EndpointWork>();
        foreach (var merchant in events.GroupBy(e => e.MerchantId, StringComparer.Ordinal))
        {
            var subscribed = await endpoints.ListAsync(merchant.Key, cancellationToken);
            foreach (var relayed in merchant)
            {
                var body = BodyOf(relayed.Envelope);
                foreach (var endpoint in subscribed.Where(e => e.Wants(relayed.Envelope.Type)))
                {
                    await deliveries.ScheduleAsync(merchant.Key, endpoint.Id, relayed.Envelope.Id, relayed.Envelope.Type, body, cancellationToken);
                    woken.Add(new EndpointWork(merchant.Key, endpoint.Id));
                }
            }
        }

        if (woken.Count > 0)
        {
            await workers.WakeAsync(woken, cancellationToken);
        }
    }

    /// <summary>What a webhook sends: the envelope exactly as GET /events shows it.</summary>
    public static string BodyOf(EventEnvelope envelope) => JsonSerializer.Serialize(envelope, ApiJson.Options);
}
