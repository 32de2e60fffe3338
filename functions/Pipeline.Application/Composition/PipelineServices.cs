using Pipeline.Application.Charging.Sessions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Application.Charging;
using Pipeline.Application.Collection;
using Pipeline.Application.Collection.Statements;
using Pipeline.Application.Devices;
using Pipeline.Application.Durable;
using Pipeline.Application.Events;
using Pipeline.Application.Health;
using Pipeline.Application.Http;
using Pipeline.Application.Idempotency;
using Pipeline.Application.Ledger;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Maintenance;
using Pipeline.Application.Merchants;
using Pipeline.Application.Payments;
using Pipeline.Application.Settings;
using Pipeline.Application.Settlement;
using Pipeline.Application.Wallets;
using Pipeline.Application.Webhooks;

namespace Pipeline.Application.Composition;

/// <summary>The services both hosts register; each host supplies only how to reach the Cosmos database.</summary>
public static class PipelineServices
{
    /// <param name="bulkDatabase">The same database through a client with bulk execution on, for the ledger's background writes.</param>
    public static IServiceCollection AddPipeline(
        this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, Database> database, Func<IServiceProvider, Database>? bulkDatabase = null)
    {
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.Configure<KestrelServerOptions>(kestrel => ServerLimits.Apply(kestrel.Limits));
        services.AddSingleton(database);
        services.AddOptions<MerchantOptions>().Bind(configuration.GetSection(MerchantOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MerchantStore>();
        services.AddSingleton<IApiKeys>(sp => sp.GetRequiredService<MerchantStore>());
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<Authenticator>();
        services.AddSingleton<DeviceStore>();
        services.AddSingleton<SignatureReplayGuard>();
        services.AddSingleton<DeviceAuthenticator>();
        services.AddSingleton<IChargeRecorder, PaymentChargeRecorder>();
        services.AddSingleton<ILedgerStore>(sp => new CosmosLedgerStore(sp.GetRequiredService<Database>(), sp.GetRequiredService<TimeProvider>(), charges: new ChargeSettings(
            sp.GetRequiredService<IChargeRecorder>(), bulkDatabase?.Invoke(sp), sp.GetRequiredService<ILogger<CosmosLedgerStore>>())));
        services.AddHostedService<LedgerBackgroundWork>();
        services.AddSingleton<IHealthCheck, CosmosHealthCheck>();
        services.AddOptions<MaintenanceOptions>().Bind(configuration.GetSection(MaintenanceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LedgerMaintenance>();
        services.AddHostedService<LedgerScheme>();
        services.AddSingleton<WalletStore>();
        services.AddOptions<PaymentOptions>().Bind(configuration.GetSection(PaymentOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PaymentStore>();
        services.AddSingleton<PaymentLedgerCheck>();
        services.AddOptions<EventOptions>().Bind(configuration.GetSection(EventOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IEventSource>(new OutboxSource(PaymentStore.ContainerName));
        services.AddSingleton<IEventSource>(new OutboxSource(WebhookEndpointStore.ContainerName));
        services.AddSingleton<IEventSource>(new OutboxSource(ChargingSessionStore.ContainerName));
        services.AddSingleton<IEventSource>(new OutboxSource(SettlementStore.ContainerName));
        services.AddSingleton<IEventSource>(new OutboxSource(CollectionStore.ContainerName));
        services.AddSingleton<IEventSource, WalletCreatedSource>();
        services.AddSingleton<IEventSource, WalletBalanceSource>();
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WebhookEndpointStore>();
        services.AddSingleton<TariffStore>();
        services.AddSingleton<ChargingStationStore>();
        services.AddSingleton<ChargingTokenStore>();
        services.AddOptions<ChargingOptions>().Bind(configuration.GetSection(ChargingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ChargingSessionStore>();
        services.AddSingleton<SessionAuthorizer>();
        services.AddSingleton<SessionWatch>();
        services.AddSingleton<TransactionEventRecorder>();
        services.AddSingleton<SessionFinalizer>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<DurableClientSlot>();
        services.AddSingleton<WakeThrottle>();
        services.AddSingleton<ActivePasses>();
        services.AddSingleton<IWebhookWorkers, DurableWebhookWorkers>();
        services.AddSingleton<IEventSink, WebhookScheduler>();
        services.AddSingleton<IHostResolver, DnsHostResolver>();
        services.AddSingleton(sp => new SafeConnect(sp.GetRequiredService<IHostResolver>(), sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Networks()));
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<DeliveryPass>();
        services.AddSingleton<InlineDelivery>();
        services.AddSingleton<EventLog>();
        services.AddSingleton<EventRelay>();
        services.AddOptions<SettlementOptions>().Bind(configuration.GetSection(SettlementOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SettlementLedger>();
        services.AddSingleton<SettlementStore>();
        services.AddSingleton<MerchantSettler>();
        services.AddSingleton<SettlementRuns>();
        services.AddOptions<CollectionOptions>().Bind(configuration.GetSection(CollectionOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<VirtualAccounts>();
        services.AddSingleton<ICollectionWatch, CollectionWatch>();
        services.AddSingleton<CollectionStore>();
        services.AddSingleton<CollectionLedger>();
        services.AddSingleton<ReconciliationExceptions>();
        services.AddSingleton<BankCredits>();
        services.AddSingleton<ExceptionResolutions>();
        services.AddSingleton<BankAuthenticator>();
        services.AddSingleton<StatementImport>();
        return services;
    }
}
