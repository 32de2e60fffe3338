using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Payments;
using Pipeline.Application.Secrets;
using Pipeline.Application.Webhooks;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Tests.Webhooks;

/// <summary>
/// Deliveries to a real receiver on loopback (Kestrel), with the relay scheduling them from payments' events and the
/// endpoint's pass sending what is due; the clock is moved through the retry schedule. The Durable worker around the
/// pass runs in Pipeline.Local.Tests.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class WebhookDeliveryTests(CosmosFixture cosmos)
{
    private const string Merchant = "mer_deliveries";
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly InMemorySecretStore secrets = new();
    private readonly DeliveryWorld.StaticResolver resolver = new();

    [Fact]
    public async Task A_receiver_that_refuses_for_a_while_gets_every_event_signed_and_in_sequence()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailFirst = 5;
        var world = await WorldAsync();
        var endpoint = (await world.Endpoints.CreateAsync(Merchant, receiver.Url.ToString(), [WebhookEndpoint.AllEvents], null, null, default))!;
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await world.Payments.CreateAsync(Merchant, new CreatePaymentRequest(100, "EUR", new PaymentSource(world.Wallet), CaptureMethod.Automatic), null, default)).Payment!.Id);
        }

        Assert.Null((await world.Payments.RunAsync(Merchant, ids[0], PaymentOperationKind.Refund, 10, null, default)).Refusal);
        Assert.Null((await world.Payments.RunAsync(Merchant, ids[0], PaymentOperationKind.Refund, 20, null, default)).Refusal);
        await world.RelayAsync();
        Assert.Contains(new EndpointWork(Merchant, endpoint.Endpoint.Id), world.Workers.Woken);

        var passes = await world.DeliverUntilDoneAsync(endpoint.Endpoint.Id);

        var events = (await new EventLog(world.Database).ListAsync(Merchant, null, 0, 100, default)).Events;
        Assert.Equal(7, events.Count); // the endpoint's own created event, and 6 of the payments
        var delivered = receiver.Received.Where(r => r.Answered == 200).ToList();
        Assert.Equal(events.Select(e => e.Id).Order(), delivered.Select(r => r.EventId).Distinct().Order());
        Assert.All(receiver.Received, r => Assert.True(PipelineWebhook.Verify(r.Signature, r.Body, endpoint.Secret!, clock.GetUtcNow()), "A signature did not verify."));
        Assert.All(receiver.Received, r => Assert.Equal(r.EventId, JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString()));
        Assert.True(receiver.Received.Count > delivered.Count && passes > 1, "The receiver's refusals were retried.");

        // Per resource, the delivered sequences are 1, 2, 3 … without gaps; the same event twice has one id.
        var bodies = delivered.DistinctBy(r => r.EventId).Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        foreach (var resource in bodies.GroupBy(b => b.GetProperty("subject").GetString()))
        {
            var sequences = resource.Select(b => long.Parse(b.GetProperty("sequence").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
            Assert.Equal(Enumerable.Range(1, sequences.Count).Select(n => (long)n), sequences);
        }

        var page = await world.Deliveries.ListAsync(endpoint.Endpoint.Id, DeliveryState.Succeeded, 100, null, default);
        Assert.Equal(7, page.Deliveries.Count);
        Assert.Contains(page.Deliveries, d => d.AttemptLog.Any(a => a.Status == 503 && a.Response == "busy, try later"));
    }

    /// <summary>A name is checked at delivery against what it resolves to then: re-pointed at loopback, nothing connects.</summary>
    [Fact]
    public async Task A_name_that_resolves_into_a_private_network_is_never_connected_to()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        resolver.Names["hooks.merchant.test"] = [IPAddress.Loopback];
        var world = await WorldAsync(allowed: "");
        var url = $"http://hooks.merchant.test:{receiver.Url.Port}/hook";
        var endpoint = (await world.Endpoints.CreateAsync(Merchant, url, [WebhookEndpoint.AllEvents], null, null, default))!;
        await world.Payments.CreateAsync(Merchant, new CreatePaymentRequest(100, "EUR", new PaymentSource(world.Wallet), CaptureMethod.Automatic), null, default);
        await world.RelayAsync();

        await world.Pass.RunAsync(new EndpointWork(Merchant, endpoint.Endpoint.Id), default);

        var attempts = (await world.Deliveries.ListAsync(endpoint.Endpoint.Id, null, 10, null, default)).Deliveries.SelectMany(d => d.AttemptLog).ToList();
        Assert.NotEmpty(attempts);
        Assert.Contains(attempts, a => a.Error == "address_not_allowed");
        Assert.DoesNotContain(attempts, a => a.Status is not null);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task An_endpoint_failing_for_three_days_fails_its_deliveries_is_disabled_and_a_redelivery_then_succeeds()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailAlways = true;
        var world = await WorldAsync();
        var endpoint = (await world.Endpoints.CreateAsync(Merchant, receiver.Url.ToString(), [PaymentEvents.Succeeded], null, null, default))!;
        var id = endpoint.Endpoint.Id;
        await world.Payments.CreateAsync(Merchant, new CreatePaymentRequest(100, "EUR", new PaymentSource(world.Wallet), CaptureMethod.Automatic), null, default);
        await world.Payments.CreateAsync(Merchant, new CreatePaymentRequest(200, "EUR", new PaymentSource(world.Wallet), CaptureMethod.Automatic), null, default);
        await world.RelayAsync();

        await world.DeliverUntilDoneAsync(id);

        var deliveries = (await world.Deliveries.ListAsync(id, null, 10, null, default)).Deliveries;
        Assert.Equal(2, deliveries.Count);
        // The probe's delivery ran out of attempts after 3 days of failures: failed, and the endpoint disabled, which
        // cancels what was still pending.
        Assert.Equal(DeliveryState.Failed, deliveries.Single(d => d.EventId == receiver.Received.Last().EventId).State);
        Assert.All(deliveries, d => Assert.True(d.State == DeliveryState.Failed || (d.State == DeliveryState.Canceled && d.AttemptLog[^1].Error == "endpoint_disabled"), $"{d.State}"));
        Assert.All(deliveries, d => Assert.InRange(d.Attempts, 15, 30));
        // Every attempt that records an answer was a request the receiver saw, and no more were made.
        Assert.Equal(receiver.Received.Count, deliveries.Sum(d => d.AttemptLog.Count(a => a.Status == 503)));
        var disabled = (await world.Endpoints.GetAsync(Merchant, id, default))!;
        Assert.Equal((WebhookEndpointStatus.Disabled, "failing"), (disabled.Status, disabled.DisabledReason));
        await world.RelayAsync();
        var log = (await new EventLog(world.Database).ListAsync(Merchant, WebhookEndpointEvents.Disabled, 0, 10, default)).Events;
        Assert.Equal(id, Assert.Single(log).Subject);

        receiver.FailAlways = false;
        await world.Endpoints.UpdateAsync(Merchant, id, e => e with { Status = WebhookEndpointStatus.Enabled }, default);
        var first = deliveries.First(d => d.State == DeliveryState.Failed);
        var envelope = (await new EventLog(world.Database).GetAsync(Merchant, first.EventId, default))!;
        Assert.True(await world.Deliveries.RedeliverAsync(Merchant, id, envelope.Id, envelope.Type, WebhookScheduler.BodyOf(envelope), default));
        await world.Pass.RunAsync(new EndpointWork(Merchant, id), default);
        var redelivered = (await world.Deliveries.ListAsync(id, DeliveryState.Succeeded, 10, null, default)).Deliveries;
        Assert.Equal((first.EventId, 1), (Assert.Single(redelivered).EventId, redelivered[0].Attempts));
    }

    /// <summary>While an endpoint fails, deliveries due together cost one connection: a probe; the rest fail with it and keep their schedules.</summary>
    [Fact]
    public async Task A_failing_endpoint_is_probed_once_for_all_that_is_due()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailAlways = true;
        var world = await WorldAsync();
        var id = (await world.Endpoints.CreateAsync(Merchant, receiver.Url.ToString(), [PaymentEvents.Succeeded], null, null, default))!.Endpoint.Id;
        for (var i = 0; i < 5; i++)
        {
            await world.Payments.CreateAsync(Merchant, new CreatePaymentRequest(100 + i, "EUR", new PaymentSource(world.Wallet), CaptureMethod.Automatic), null, default);
        }

        await world.RelayAsync();
        await world.Pass.RunAsync(new EndpointWork(Merchant, id), default);
        Assert.Equal(5, receiver.Received.Count);

        clock.Advance(TimeSpan.FromHours(1));
        await world.Pass.RunAsync(new EndpointWork(Merchant, id), default);

        Assert.Equal(6, receiver.Received.Count);
        var last = (await world.Deliveries.ListAsync(id, DeliveryState.Pending, 10, null, default)).Deliveries.Select(d => d.AttemptLog[^1]).ToList();
        Assert.Equal(5, last.Count);
        Assert.Equal(4, last.Count(a => a.Error == "endpoint_failing" && a.Response == "probe answered 503"));
    }

    [Fact]
    public async Task During_a_rotation_each_delivery_is_signed_with_both_secrets()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var world = await WorldAsync();
        var created = (await world.Endpoints.CreateAsync(Merchant, receiver.Url.ToString(), [PaymentEvents.Succeeded], null, null, default))!;
        var rotated = (await world.Endpoints.RotateSecretAsync(Merchant, created.Endpoint.Id, TimeSpan.FromHours(1), default))!;
        await world.Payments.CreateAsync(Merchant, new CreatePaymentRequest(100, "EUR", new PaymentSource(world.Wallet), CaptureMethod.Automatic), null, default);
        await world.RelayAsync();
        await world.Pass.RunAsync(new EndpointWork(Merchant, created.Endpoint.Id), default);

        var got = Assert.Single(receiver.Received);
        Assert.Equal(2, got.Signature!.Split(',').Count(p => p.StartsWith("v1=", StringComparison.Ordinal)));
        Assert.True(PipelineWebhook.Verify(got.Signature, got.Body, created.Secret!, clock.GetUtcNow()));
        Assert.True(PipelineWebhook.Verify(got.Signature, got.Body, rotated.Secret!, clock.GetUtcNow()));
        Assert.False(PipelineWebhook.Verify(got.Signature, got.Body, "whsec_someone_else", clock.GetUtcNow()));
        Assert.False(PipelineWebhook.Verify(got.Signature, got.Body, rotated.Secret!, clock.GetUtcNow().AddMinutes(6)));
    }

    [Fact]
    public async Task A_deleted_endpoints_pending_deliveries_are_canceled_and_its_worker_ends()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var world = await WorldAsync();
        receiver.FailFirst = 1; // the relay's inline attempt fails: the delivery stays pending
        var endpoint = (await world.Endpoints.CreateAsync(Merchant, receiver.Url.ToString(), [PaymentEvents.Succeeded], null, null, default))!;
        await world.Payments.CreateAsync(Merchant, new CreatePaymentRequest(100, "EUR", new PaymentSource(world.Wallet), CaptureMethod.Automatic), null, default);
        await world.RelayAsync();
        Assert.True(await world.Endpoints.DeleteAsync(Merchant, endpoint.Endpoint.Id, default));

        var pass = await world.Pass.RunAsync(new EndpointWork(Merchant, endpoint.Endpoint.Id), default);

        Assert.True(pass.EndpointGone);
        Assert.Single(receiver.Received);
        var deliveries = (await world.Deliveries.ListAsync(endpoint.Endpoint.Id, null, 10, null, default)).Deliveries;
        Assert.All(deliveries, d => Assert.Equal((DeliveryState.Canceled, "endpoint_deleted"), (d.State, d.AttemptLog[^1].Error)));
    }

    /// <summary>
    /// A relay in the pass's process schedules while the pass polls, and wakes no one (ActivePasses); the pass then ends on
    /// time with deliveries still due. It must answer "due now" from a look made after it left the set — it answered
    /// from a look made before the relay scheduled, and its worker slept 5 minutes (found in review).
    /// </summary>
    [Fact]
    public async Task A_pass_that_ends_on_time_with_deliveries_due_says_so_though_no_one_woke_its_worker()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(200);
        var world = await WorldAsync();
        var endpoint = (await world.Endpoints.CreateAsync(Merchant, receiver.Url.ToString(), [WebhookEndpoint.AllEvents], null, null, default))!.Endpoint;
        var passes = new ActivePasses();
        var sender = new WebhookSender(new SafeConnect(resolver, new WebhookOptions { AllowHttp = true, AllowedNetworks = "127.0.0.0/8" }.Networks()), clock);
        var pass = new DeliveryPass(world.Endpoints, world.Deliveries, sender, passes, clock, NullLogger<DeliveryPass>.Instance);

        var running = pass.RunAsync(new EndpointWork(Merchant, endpoint.Id), default);
        await Task.Delay(300); // its first look found nothing; it polls
        Assert.True(passes.IsActive(endpoint.Id));
        await world.Deliveries.ScheduleAllAsync(endpoint.Id, [.. Enumerable.Range(0, 200)
            .Select(i => world.Deliveries.New(Merchant, endpoint.Id, EventIds.Of($"/v1/payments/pay_{i}", 1, 1), PaymentEvents.Succeeded, "{}"))], default);
        var result = await running;

        Assert.InRange(result.Attempts, 1, 199); // 200 at 4 at a time, 200 ms each, outlast a pass
        Assert.False(passes.IsActive(endpoint.Id));
        Assert.True(result.NextDueMicros <= CosmosTime.ToMicros(clock.GetUtcNow()),
            $"The pass ended with {200 - result.Attempts} deliveries due but answered {result.NextDueMicros?.ToString(CultureInfo.InvariantCulture) ?? "none pending"}.");
    }

    private Task<DeliveryWorld> WorldAsync(string allowed = "127.0.0.0/8") => DeliveryWorld.CreateAsync(cosmos, Merchant, clock, secrets, resolver, allowed);
}
