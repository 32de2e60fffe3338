using System.Collections.Concurrent;
using System.Text.Json;
using Pipeline.Application.Events;
using Pipeline.Application.Http;

namespace Pipeline.Application.Webhooks;

/// <summary>
/// The relay's sink for webhooks: each event becomes a delivery for every enabled endpoint of its merchant that wants
/// its type (stored by event id, so a page handed over twice stores each once). A healthy endpoint is sent its page's
/// events at once (<see cref="InlineDelivery"/>); the others' deliveries are stored pending and their workers woken, as
/// are those of the inline ones left pending. An endpoint gets the events relayed after it was created.
/// </summary>
public sealed class WebhookScheduler(WebhookEndpointStore endpoints, DeliveryStore deliveries, InlineDelivery inline, IWebhookWorkers workers) : IEventSink
{
    /// <summary>Endpoints handled at once: each sends at most its own concurrency, and a slow one only holds its own task.</summary>
    private const int EndpointsAtOnce = 8;

    public async Task AcceptAsync(IReadOnlyList<RelayedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var scheduled = new List<(WebhookEndpoint Endpoint, EventEnvelope Envelope)>();
        foreach (var merchant in events.GroupBy(e => e.MerchantId, StringComparer.Ordinal))
        {
            var subscribed = await endpoints.ListAsync(merchant.Key, cancellationToken);
            scheduled.AddRange(merchant.SelectMany(relayed => subscribed.Where(e => e.Wants(relayed.Envelope.Type)).Select(e => (e, relayed.Envelope))));
        }

        var byEndpoint = scheduled.GroupBy(s => s.Endpoint.Id, StringComparer.Ordinal).ToList();
        var woken = new ConcurrentBag<EndpointWork>();
        var deadline = InlineDelivery.DeadlineFromNow();
        await Parallel.ForEachAsync(byEndpoint, new ParallelOptions { MaxDegreeOfParallelism = EndpointsAtOnce, CancellationToken = cancellationToken },
            async (group, token) =>
            {
                var endpoint = group.First().Endpoint;
                var fresh = group.Select(s => deliveries.New(endpoint.MerchantId, endpoint.Id, s.Envelope.Id, s.Envelope.Type, BodyOf(s.Envelope))).ToList();
                if (!inline.Takes(endpoint))
                {
                    await deliveries.ScheduleAllAsync(endpoint.Id, fresh, token);
                }
                else if (!await inline.TryDeliverAsync(endpoint, fresh, deadline, token))
                {
                    return;
                }

                woken.Add(new EndpointWork(endpoint.MerchantId, endpoint.Id));
            });
        if (!woken.IsEmpty)
        {
            await workers.WakeAsync([.. woken.Distinct()], cancellationToken);
        }
    }

    /// <summary>What a webhook sends: the envelope exactly as GET /events shows it.</summary>
    public static string BodyOf(EventEnvelope envelope) => JsonSerializer.Serialize(envelope, ApiJson.Options);
}
