using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Secrets;
using Pipeline.Application.Webhooks;
using Pipeline.Local.Emulators;

namespace Pipeline.Application.Tests.Webhooks;

/// <summary>Deliveries racing the merchant's changes: a redelivery against an attempt in flight, re-enabling against a worker that is ending (found in review).</summary>
[Collection(CosmosCollection.Name)]
public sealed class WebhookRaceTests(CosmosFixture cosmos)
{
    private const string Merchant = "mer_races";
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly InMemorySecretStore secrets = new();

    /// <summary>
    /// A redelivery accepted (202) while the delivery's last attempt is in flight is dropped: RedeliverAsync leaves a
    /// pending delivery alone, so the attempt's record (CAS on an unchanged ETag) wins and fails the delivery for good.
    /// </summary>
    [Fact]
    public async Task A_redelivery_accepted_during_the_last_attempt_is_not_lost()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var deliveries = new DeliveryStore(database, clock);
        var endpointId = "we_" + new string('a', 24);
        var eventId = EventIds.Of("/v1/payments/pay_x", 1, 1);
        Assert.True(await deliveries.ScheduleAsync(Merchant, endpointId, eventId, "payment.succeeded", "{}", default));

        // The receiver is down: attempts fail until the one due at the end of the 3-day window is next.
        var started = CosmosTime.ToMicros(clock.GetUtcNow());
        var deadline = started + (long)TimeSpan.FromDays(3).TotalMicroseconds;
        while (true)
        {
            var due = Assert.Single(await deliveries.NextPendingAsync(endpointId, default));
            var recorded = (await deliveries.RecordAsync(due, Failure(), succeeded: false, default))!;
            Assert.Equal(DeliveryState.Pending, recorded.State);
            clock.Advance(TimeSpan.FromTicks((recorded.DueMicros - CosmosTime.ToMicros(clock.GetUtcNow())) * 10));
            if (recorded.DueMicros == deadline)
            {
                break;
            }
        }

        // The worker takes the last attempt; while it is in flight the merchant asks for a redelivery and gets 202.
        var taken = Assert.Single(await deliveries.NextPendingAsync(endpointId, default));
        Assert.True(await deliveries.RedeliverAsync(Merchant, endpointId, eventId, "payment.succeeded", "{}", default));
        // The attempt fails and is recorded as the worker records it.
        await deliveries.RecordAsync(taken, Failure(), succeeded: false, default);

        var now = (await deliveries.ListAsync(endpointId, null, 10, null, default)).Deliveries.Single();
        Assert.True(now.State == DeliveryState.Pending,
            $"The redelivery was accepted, yet the delivery is {now.State} after {now.Attempts} attempts of its old round, and nothing will send it again.");
    }

    /// <summary>
    /// The worker decides "disabled" from one read, then cancels every pending delivery and ends. A merchant that
    /// enables the endpoint again in between, and an event relayed meanwhile, lose their delivery: it is canceled
    /// (endpoint_disabled) although the endpoint is enabled, and the worker reports the endpoint gone.
    /// </summary>
    [Fact]
    public async Task A_worker_does_not_cancel_deliveries_of_an_endpoint_enabled_again_while_it_was_ending()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var options = new WebhookOptions { AllowHttp = true, AllowedNetworks = "127.0.0.0/8" };
        var endpoints = new WebhookEndpointStore(database, secrets, new TestOptionsMonitor<WebhookOptions>(options), clock);
        var deliveries = new DeliveryStore(database, clock);
        var endpoint = (await endpoints.CreateAsync(Merchant, "https://hooks.example.com/x", [WebhookEndpoint.AllEvents], null, null, default))!.Endpoint;
        await endpoints.UpdateAsync(Merchant, endpoint.Id, e => e with { Status = WebhookEndpointStatus.Disabled }, default);
        var eventId = EventIds.Of("/v1/payments/pay_y", 1, 1);

        // The worker's process: its own client, through which we see the moment it has read the endpoint.
        var interleave = new AfterRead($"/colls/{WebhookEndpointStore.ContainerName}/docs/{endpoint.Id}", async () =>
        {
            // Between the worker's read and its cancel: the merchant enables the endpoint, the relay schedules an event for it.
            await endpoints.UpdateAsync(Merchant, endpoint.Id, e => e with { Status = WebhookEndpointStatus.Enabled }, default);
            // Sent inline first (healthy): it fails (the name resolves to nothing) and stays pending.
            var sender = new WebhookSender(new SafeConnect(new NoNames(), options.Networks()), clock);
            var scheduler = new WebhookScheduler(endpoints, deliveries, new InlineDelivery(endpoints, deliveries, sender, clock, NullLogger<InlineDelivery>.Instance), new NoWorkers());
            await scheduler.AcceptAsync([new RelayedEvent(Merchant, EventEnvelope.Of("payment.succeeded", "/v1/payments/pay_y", "pay_y", 1, 1, JsonSerializer.SerializeToElement(new { })))], default);
        });
        using var workerClient = new CosmosClient(cosmos.Client.Endpoint.ToString(), CosmosEmulatorProcess.EmulatorKey, new CosmosClientOptions
        {
            UseSystemTextJsonSerializerWithOptions = CosmosJson.Options,
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            CustomHandlers = { interleave },
        });
        var workerDatabase = workerClient.GetDatabase(database.Id);
        var pass = new DeliveryPass(
            new WebhookEndpointStore(workerDatabase, secrets, new TestOptionsMonitor<WebhookOptions>(options), clock), new DeliveryStore(workerDatabase, clock),
            new WebhookSender(new SafeConnect(new NoNames(), options.Networks()), clock), new ActivePasses(), clock, NullLogger<DeliveryPass>.Instance);

        var result = await pass.RunAsync(new EndpointWork(Merchant, endpoint.Id), default);

        Assert.True(interleave.Fired);
        Assert.Equal(WebhookEndpointStatus.Enabled, (await endpoints.GetAsync(Merchant, endpoint.Id, default))!.Status);
        var delivery = (await deliveries.ListAsync(endpoint.Id, null, 10, null, default)).Deliveries.Single(d => d.EventId == EventIds.Of("/v1/payments/pay_y", 1, 1));
        Assert.True(delivery.State == DeliveryState.Pending && !result.EndpointGone,
            $"The endpoint is enabled, but its worker ended (gone: {result.EndpointGone}) and the delivery of {eventId} is {delivery.State} ({delivery.AttemptLog.LastOrDefault()?.Error}).");
    }

    private DeliveryAttempt Failure() => new(CosmosTime.ToMicros(clock.GetUtcNow()), 503, null, 1, "down");

    /// <summary>Runs <paramref name="then"/> once, right after the first successful GET of the document whose path ends with <paramref name="path"/>.</summary>
    private sealed class AfterRead(string path, Func<Task> then) : RequestHandler
    {
        private int fired;

        public bool Fired => fired == 1;

        public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Get && request.RequestUri.OriginalString.EndsWith(path, StringComparison.Ordinal)
                && response.StatusCode == HttpStatusCode.OK && Interlocked.Exchange(ref fired, 1) == 0)
            {
                await then();
            }

            return response;
        }
    }

    private sealed class NoWorkers : IWebhookWorkers
    {
        public Task WakeAsync(IReadOnlyCollection<EndpointWork> endpoints, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NoNames : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Task.FromResult(Array.Empty<IPAddress>());
    }
}
