using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Pipeline.Application.Tests.Webhooks;

namespace Pipeline.Local.Tests;

/// <summary>
/// Webhooks end to end through the local host: payments over HTTP, the relay orchestration, the endpoints' Durable
/// workers woken by it, real receivers on loopback. The retry schedule itself (minutes to days) runs on a moved clock
/// in Pipeline.Application.Tests.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class WebhookDeliveryHostTests(LocalHostFixture fixture)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_event_reaches_the_endpoint_signed_and_a_redelivery_sends_it_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var client = await fixture.PaymentClientAsync();
        var created = await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/webhook-endpoints", new { url = receiver.Url, events = new[] { "payment.succeeded", "payment.refunded" } }), HttpStatusCode.Created);
        var endpointId = created.GetProperty("endpoint").GetProperty("id").GetString()!;
        var secret = created.GetProperty("secret").GetString()!;
        var wallet = await client.OpenWalletAsync(10_000);
        var paid = await client.PayAsync(wallet, 500, "automatic");
        await client.PayAsync(wallet, 600, "automatic");
        await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/payments/{paid.GetProperty("id").GetString()}/refunds"), HttpStatusCode.Created);

        await WaitAsync(() => receiver.Received.Count >= 3, "the three events");
        var received = receiver.Received.ToList();
        Assert.Equal(["payment.refunded", "payment.succeeded", "payment.succeeded"], received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString()).Order());
        Assert.All(received, r => Assert.True(PipelineWebhook.Verify(r.Signature, r.Body, secret, DateTimeOffset.UtcNow)));
        Assert.All(received, r => Assert.Equal("1", r.Attempt));

        var deliveries = await client.GetAsync($"api/v1/webhook-endpoints/{endpointId}/deliveries?state=succeeded");
        Assert.Equal(3, deliveries.GetProperty("deliveries").GetArrayLength());

        var again = received[0].EventId;
        var redelivery = await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/events/{again}/redeliveries", new { endpointId }), HttpStatusCode.Accepted);
        Assert.Equal([endpointId], redelivery.GetProperty("endpointIds").EnumerateArray().Select(e => e.GetString()));
        await WaitAsync(() => receiver.Received.Count(r => r.EventId == again) == 2, "the redelivery");
    }

    /// <summary>Each endpoint has its own worker: a receiver that takes seconds per answer holds up only its own deliveries.</summary>
    [Fact]
    public async Task A_slow_receiver_never_delays_another_endpoints_deliveries()
    {
        await using var slow = await WebhookReceiver.StartAsync();
        await using var fast = await WebhookReceiver.StartAsync();
        slow.Delay = TimeSpan.FromSeconds(3);
        var client = await fixture.PaymentClientAsync();
        foreach (var receiver in new[] { slow, fast })
        {
            await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/webhook-endpoints", new { url = receiver.Url, events = new[] { "payment.succeeded" } }), HttpStatusCode.Created);
        }

        var wallet = await client.OpenWalletAsync(100_000);
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => client.PayAsync(wallet, 100 + i, "automatic")));

        await WaitAsync(() => fast.Received.Count >= 12, "the fast receiver's twelve events");
        // Four at a time, 3 s each: the slow one needs 9 s for its twelve, and has not had them all.
        Assert.True(slow.Received.Count < 12, $"The slow receiver had {slow.Received.Count} already.");
        await WaitAsync(() => slow.Received.Count >= 12, "the slow receiver's twelve events");
    }

    [Fact]
    public async Task Redelivering_an_unknown_event_or_to_another_merchants_endpoint_is_404()
    {
        var client = await fixture.PaymentClientAsync();
        await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/events/evt_000000000000000000000000/redeliveries"), HttpStatusCode.NotFound);
        using var bad = await client.PostAsync("api/v1/webhook-endpoints/we_000000000000000000000000/deliveries");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, bad.StatusCode);
        using var request = fixture.Request(HttpMethod.Get, "api/v1/webhook-endpoints/we_000000000000000000000000/deliveries", client.ApiKey);
        await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(request), HttpStatusCode.NotFound);
    }

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < Within, $"Waited {Within} for {what}.");
            await Task.Delay(50);
        }
    }
}
