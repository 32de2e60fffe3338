using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Devices;
using Pipeline.Application.Health;
using Pipeline.Application.Http;
using Pipeline.Application.Idempotency;
using Pipeline.Application.Ledger;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Maintenance;
using Pipeline.Application.Merchants;
using Pipeline.Application.Payments;
using Pipeline.Application.Settings;
using Pipeline.Application.Wallets;

namespace Pipeline.Application;

/// <summary>The services both hosts register; each host supplies only how to reach the Cosmos database.</summary>
public static class PipelineServices
{
    public static IServiceCollection AddPipeline(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, Database> database)
    {
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(database);
        services.AddSingleton<MerchantStore>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<Authenticator>();
        services.AddSingleton<DeviceStore>();
        services.AddSingleton<SignatureReplayGuard>();
        services.AddSingleton<DeviceAuthenticator>();
        services.AddSingleton<ILedgerStore>(sp => new CosmosLedgerStore(sp.GetRequiredService<Database>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IHealthCheck, CosmosHealthCheck>();
        services.AddSingleton<LedgerMaintenance>();
        services.AddSingleton<WalletStore>();
        services.AddOptions<PaymentOptions>().Bind(configuration.GetSection(PaymentOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PaymentStore>();
        return services;
    }
}
