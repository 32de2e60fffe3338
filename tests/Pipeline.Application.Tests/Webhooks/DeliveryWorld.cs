using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Events.Publishing;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Payments;
using Pipeline.Application.Secrets;
using Pipeline.Application.Tests.Payments;
using Pipeline.Application.Webhooks;

namespace Pipeline.Application.Tests.Webhooks;

/// <summary>
/// A merchant with a funded wallet, its payments, webhook endpoints and deliveries on a fresh database, the relay of the
/// payments' and endpoints' feeds with the webhook sink (inline sends included), an endpoint's pass, and workers that
/// only record who was woken. The clock is the tests'.
/// </summary>
internal sealed record DeliveryWorld(
    string Merchant, Database Database, PaymentStore Payments, string Wallet, WebhookEndpointStore Endpoints, DeliveryStore Deliveries,
    DeliveryWorld.RecordingWorkers Workers, DeliveryPass Pass, WebhookScheduler Scheduler, EventRelay Relay, FakeTimeProvider Clock)
{
    public static async Task<DeliveryWorld> CreateAsync(
        CosmosFixture cosmos, string merchant, FakeTimeProvider clock, ISecretStore secrets, IHostResolver resolver, string allowed = "127.0.0.0/8")
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var (_, wallet) = await PaymentBench.FundedWalletAsync(database, ledger, clock, merchant, 1_000_000);
        var options = new WebhookOptions { AllowHttp = true, AllowedNetworks = allowed };
        var endpoints = new WebhookEndpointStore(database, secrets, new TestOptionsMonitor<WebhookOptions>(options), clock);
        var deliveries = new DeliveryStore(database, clock);
        var workers = new RecordingWorkers();
        var sender = new WebhookSender(new SafeConnect(resolver, options.Networks()), clock);
        var pass = new DeliveryPass(endpoints, deliveries, sender, new ActivePasses(), clock, NullLogger<DeliveryPass>.Instance);
        var scheduler = new WebhookScheduler(endpoints, deliveries, new InlineDelivery(endpoints, deliveries, sender, clock, NullLogger<InlineDelivery>.Instance), workers);
        var relay = new EventRelay(database, new EventLog(database), [scheduler], new LocalEventLog(clock),
            [new OutboxSource(PaymentStore.ContainerName), new OutboxSource(WebhookEndpointStore.ContainerName)], clock, NullLogger<EventRelay>.Instance);
        return new DeliveryWorld(merchant, database, PaymentBench.Payments(database, ledger, clock), wallet.Id, endpoints, deliveries, workers, pass, scheduler, relay, clock);
    }

    public async Task RelayAsync()
    {
        await Relay.RunPassAsync(PaymentStore.ContainerName, TimeSpan.Zero, default);
        await Relay.RunPassAsync(WebhookEndpointStore.ContainerName, TimeSpan.Zero, default);
    }

    /// <summary>Runs the endpoint's passes, moving the clock to each next due time, until nothing is pending; returns how many passes.</summary>
    public async Task<int> DeliverUntilDoneAsync(string endpointId)
    {
        for (var passes = 1; passes <= 200; passes++)
        {
            var result = await Pass.RunAsync(new EndpointWork(Merchant, endpointId), default);
            if (result.EndpointGone || result.NextDueMicros is not { } next)
            {
                return passes;
            }

            var now = CosmosTime.ToMicros(Clock.GetUtcNow());
            Clock.Advance(TimeSpan.FromTicks(Math.Max(0, next - now) * 10));
        }

        throw new InvalidOperationException("The deliveries never finished.");
    }

    internal sealed class RecordingWorkers : IWebhookWorkers
    {
        public List<EndpointWork> Woken { get; } = [];

        public Task WakeAsync(IReadOnlyCollection<EndpointWork> endpoints, CancellationToken cancellationToken)
        {
            lock (Woken)
            {
                Woken.AddRange(endpoints);
            }

            return Task.CompletedTask;
        }
    }

    internal sealed class StaticResolver : IHostResolver
    {
        public Dictionary<string, IPAddress[]> Names { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            Task.FromResult(Names.TryGetValue(host, out var addresses) ? addresses : []);
    }
}
