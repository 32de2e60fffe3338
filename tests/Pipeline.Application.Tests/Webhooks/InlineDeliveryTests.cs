using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Payments;
using Pipeline.Application.Secrets;
using Pipeline.Application.Webhooks;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Tests.Webhooks;

/// <summary>
/// The relay's sink sends a healthy endpoint its page at once (InlineDelivery) and stores each delivery once with its
/// outcome; what is not answered in time, fails, or meets a slow endpoint goes to the endpoint's worker. Against a real
/// receiver on loopback and the emulator.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class InlineDeliveryTests(CosmosFixture cosmos)
{
    private const string Merchant = "mer_inline";
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly InMemorySecretStore secrets = new();

    [Fact]
    public async Task A_healthy_endpoint_gets_each_event_as_it_is_relayed_stored_once_without_its_body_and_no_worker_is_woken()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var world = await WorldAsync();
        var endpoint = (await world.Endpoints.CreateAsync(Merchant, receiver.Url.ToString(), [PaymentEvents.Succeeded], null, null, default))!;
        await PayAsync(world, 3);

        await world.RelayAsync();

        Assert.Equal(3, receiver.Received.Count(r => r.Answered == 200));
        Assert.All(receiver.Received, r => Assert.True(PipelineWebhook.Verify(r.Signature, r.Body, endpoint.Secret!, clock.GetUtcNow())));
        Assert.Empty(world.Workers.Woken);
        var deliveries = (await world.Deliveries.ListAsync(endpoint.Endpoint.Id, null, 10, null, default)).Deliveries;
        Assert.Equal(3, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal((DeliveryState.Succeeded, 1, 200), (d.State, d.Attempts, Assert.Single(d.AttemptLog).Status)));
        var stored = await ReadRawAsync(world, endpoint.Endpoint.Id, deliveries[0].EventId);
        Assert.False(stored.TryGetProperty("body", out var body) && body.ValueKind != JsonValueKind.Null, "A delivery that succeeded inline keeps no body.");

        // A redelivery of one stored without its body sends the event's exact bytes again.
        var first = receiver.Received.Single(r => r.EventId == deliveries[0].EventId);
        var envelope = (await new EventLog(world.Database).GetAsync(Merchant, first.EventId, default))!;
        Assert.True(await world.Deliveries.RedeliverAsync(Merchant, endpoint.Endpoint.Id, envelope.Id, envelope.Type, WebhookScheduler.BodyOf(envelope), default));
        await world.Pass.RunAsync(new EndpointWork(Merchant, endpoint.Endpoint.Id), default);
        var again = receiver.Received.Where(r => r.EventId == first.EventId).ToList();
        Assert.Equal(2, again.Count);
        Assert.Equal(first.Body, again[1].Body);
        Assert.Equal("1", again[1].Attempt);
    }

    /// <summary>The relay died after its sink sent a page and before its cursor moved: the page comes again, is sent again, and stored once.</summary>
    [Fact]
    public async Task A_page_handed_over_again_is_sent_again_and_stored_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var world = await WorldAsync();
        var endpoint = (await world.Endpoints.CreateAsync(Merchant, receiver.Url.ToString(), [PaymentEvents.Succeeded], null, null, default))!.Endpoint;
        var page = Enumerable.Range(1, 5).Select(i => new RelayedEvent(Merchant,
            EventEnvelope.Of(PaymentEvents.Succeeded, $"/v1/payments/pay_{i}", $"pay_{i}", 1, 1, JsonSerializer.SerializeToElement(new { id = $"pay_{i}" })))).ToList();

        await world.Scheduler.AcceptAsync(page, default);
        await world.Scheduler.AcceptAsync(page, default);

        Assert.Equal(10, receiver.Received.Count);
        Assert.All(receiver.Received.GroupBy(r => r.EventId), sent => Assert.Equal(2, sent.Count()));
        var deliveries = (await world.Deliveries.ListAsync(endpoint.Id, null, 20, null, default)).Deliveries;
        Assert.Equal(page.Select(e => e.Envelope.Id).Order(), deliveries.Select(d => d.EventId).Order());
        Assert.All(deliveries, d => Assert.Equal((DeliveryState.Succeeded, 1), (d.State, d.Attempts)));
    }

    [Fact]
    public async Task A_refused_page_is_left_to_the_worker_on_its_schedule_and_the_endpoint_is_failing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailAlways = true;
        var world = await WorldAsync();
        var endpoint = (await world.Endpoints.CreateAsync(Merchant, receiver.Url.ToString(), [PaymentEvents.Succeeded], null, null, default))!.Endpoint;
        await PayAsync(world, 2);

        await world.RelayAsync();

        Assert.Equal(2, receiver.Received.Count);
        Assert.Contains(new EndpointWork(Merchant, endpoint.Id), world.Workers.Woken);
        Assert.NotEqual(0, (await world.Endpoints.GetAsync(Merchant, endpoint.Id, default))!.FailingSinceMicros);
        var now = CosmosTime.ToMicros(clock.GetUtcNow());
        var pending = await world.Deliveries.NextPendingAsync(endpoint.Id, default);
        Assert.Equal(2, pending.Count);
        Assert.All(pending, d => Assert.True(d.RoundAttempts == 1 && d.DueMicros > now && d.Body is not null, "Due again later, with its body."));

        // Failing now: the next page is not sent inline but stored for the worker, due at once.
        await PayAsync(world, 1);
        await world.RelayAsync();
        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(3, (await world.Deliveries.NextPendingAsync(endpoint.Id, default)).Count);
    }

    /// <summary>
    /// A receiver slower than the budget: the relay stores the deliveries pending, due only after the attempt surely
    /// ended (no second send meanwhile), records the late answers on them, and sends the endpoint's next page through
    /// its worker.
    /// </summary>
    [Fact]
    public async Task A_slow_receivers_deliveries_are_recorded_when_it_answers_and_its_next_page_goes_to_its_worker()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = WebhookLimits.InlineBudget * 2;
        var world = await WorldAsync();
        var endpoint = (await world.Endpoints.CreateAsync(Merchant, receiver.Url.ToString(), [PaymentEvents.Succeeded], null, null, default))!.Endpoint;
        await PayAsync(world, 2);

        await world.RelayAsync();

        var now = CosmosTime.ToMicros(clock.GetUtcNow());
        var pending = await world.Deliveries.NextPendingAsync(endpoint.Id, default);
        Assert.Equal(2, pending.Count);
        Assert.All(pending, d => Assert.True(d.DueMicros >= now + (long)WebhookLimits.AttemptTimeout.TotalMicroseconds, "Due before its attempt could have ended."));
        Assert.Contains(new EndpointWork(Merchant, endpoint.Id), world.Workers.Woken);

        await PayAsync(world, 1);
        await world.RelayAsync();
        Assert.Equal(3, (await world.Deliveries.NextPendingAsync(endpoint.Id, default)).Count);

        for (var wait = 0; wait < 100 && (await world.Deliveries.ListAsync(endpoint.Id, DeliveryState.Succeeded, 10, null, default)).Deliveries.Count < 2; wait++)
        {
            await Task.Delay(100);
        }

        var succeeded = (await world.Deliveries.ListAsync(endpoint.Id, DeliveryState.Succeeded, 10, null, default)).Deliveries;
        Assert.Equal(pending.Select(d => d.Id).Order(), succeeded.Select(d => d.EventId).Order());
        Assert.All(succeeded, d => Assert.Equal(200, Assert.Single(d.AttemptLog).Status));
        Assert.Equal(2, receiver.Received.Count);
    }

    /// <summary>
    /// The fast path's own trouble — here the secret store unreachable — sends that endpoint's page through its worker;
    /// it failed the relay's whole page, for every merchant, and the relay handed it over again every 5 s (found in review).
    /// </summary>
    [Fact]
    public async Task An_endpoint_whose_fast_path_fails_gets_its_page_through_its_worker_and_the_relay_goes_on()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var store = new FlakySecretStore();
        var world = await DeliveryWorld.CreateAsync(cosmos, Merchant, clock, store, new DeliveryWorld.StaticResolver());
        var endpoint = (await world.Endpoints.CreateAsync(Merchant, receiver.Url.ToString(), [PaymentEvents.Succeeded], null, null, default))!.Endpoint;
        await PayAsync(world, 2);
        store.Down = true;

        Assert.Equal(new RelayPassResult(2, false), await world.Relay.RunPassAsync(PaymentStore.ContainerName, TimeSpan.Zero, default));

        Assert.Empty(receiver.Received);
        Assert.Contains(new EndpointWork(Merchant, endpoint.Id), world.Workers.Woken);
        var now = CosmosTime.ToMicros(clock.GetUtcNow());
        var pending = await world.Deliveries.NextPendingAsync(endpoint.Id, default);
        Assert.Equal(2, pending.Count);
        Assert.All(pending, d => Assert.True(d.RoundAttempts == 0 && d.DueMicros <= now, "Due at once, not yet tried."));
        store.Down = false;
        await world.Pass.RunAsync(new EndpointWork(Merchant, endpoint.Id), default);
        Assert.Equal(2, receiver.Received.Count(r => r.Answered == 200));
    }

    /// <summary>
    /// A receiver that always answers, but just within the budget, would pace the relay's pages (every merchant's with
    /// them): its slow answers take it off the fast path as a late one does (found in review).
    /// </summary>
    [Fact]
    public async Task A_receiver_answering_slowly_within_the_budget_gets_its_next_page_through_its_worker()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = WebhookLimits.InlineSlowAnswer + TimeSpan.FromMilliseconds(300);
        var world = await WorldAsync();
        var endpoint = (await world.Endpoints.CreateAsync(Merchant, receiver.Url.ToString(), [PaymentEvents.Succeeded], null, null, default))!.Endpoint;
        await PayAsync(world, 1);

        await world.RelayAsync();
        Assert.Equal(DeliveryState.Succeeded, Assert.Single((await world.Deliveries.ListAsync(endpoint.Id, null, 10, null, default)).Deliveries).State);

        await PayAsync(world, 1);
        await world.RelayAsync();
        Assert.Single(receiver.Received);
        var pending = Assert.Single(await world.Deliveries.NextPendingAsync(endpoint.Id, default));
        Assert.Equal(0, pending.RoundAttempts);
        Assert.Contains(new EndpointWork(Merchant, endpoint.Id), world.Workers.Woken);
    }

    private Task<DeliveryWorld> WorldAsync() => DeliveryWorld.CreateAsync(cosmos, Merchant, clock, secrets, new DeliveryWorld.StaticResolver());

    private static async Task PayAsync(DeliveryWorld world, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await world.Payments.CreateAsync(Merchant, new CreatePaymentRequest(100 + i, "EUR", new PaymentSource(world.Wallet), CaptureMethod.Automatic), null, default);
        }
    }

    private static async Task<JsonElement> ReadRawAsync(DeliveryWorld world, string endpointId, string id)
    {
        using var response = await world.Database.GetContainer(WebhookDelivery.ContainerName).ReadItemStreamAsync(id, new PartitionKey(endpointId));
        using var document = await JsonDocument.ParseAsync(response.Content);
        return document.RootElement.Clone();
    }

    /// <summary>A secret store that is unreachable while <see cref="Down"/> (Key Vault throttling or an outage).</summary>
    private sealed class FlakySecretStore : ISecretStore
    {
        private readonly InMemorySecretStore inner = new();

        public bool Down { get; set; }

        public Task SetAsync(string name, string value, CancellationToken cancellationToken) => inner.SetAsync(name, value, cancellationToken);

        public Task<string?> GetAsync(string name, CancellationToken cancellationToken) =>
            Down ? throw new HttpRequestException("The secret store is unreachable.") : inner.GetAsync(name, cancellationToken);
    }
}
