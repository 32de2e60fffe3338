using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Monitor.OpenTelemetry.Exporter;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using Pipeline.Application.Composition;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Diagnostics;
using Pipeline.Application.Events;
using Pipeline.Application.Events.Publishing;
using Pipeline.Application.Secrets;

namespace Pipeline.Functions;

/// <summary>
/// The Functions app's host: the same services as the local host, with Cosmos DB, Key Vault, Service Bus and
/// Application Insights reached through the app's managed identity (AZURE_CLIENT_ID names the user-assigned identity
/// for DefaultAzureCredential). Program runs it; a test builds it with the settings infra/ sets, so a DI or settings
/// mistake fails CI, not the first deployment.
/// </summary>
public static class FunctionsApp
{
    public static IHostBuilder CreateBuilder() =>
        new HostBuilder()
            .ConfigureFunctionsWebApplication()
            .ConfigureServices((context, services) => AddServices(services, context.Configuration));

    private static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CosmosOptions>().Bind(configuration.GetSection(CosmosOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => CosmosClients.ForAzure(Cosmos(sp).Endpoint!, new DefaultAzureCredential()));
        AddTelemetry(services, configuration);

        services.AddOptions<KeyVaultOptions>().Bind(configuration.GetSection(KeyVaultOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ISecretStore>(sp => new KeyVaultSecretStore(
            new SecretClient(sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value.Uri!, new DefaultAzureCredential()),
            sp.GetRequiredService<TimeProvider>()));
        services.AddPipeline(
            configuration,
            sp => sp.GetRequiredService<Microsoft.Azure.Cosmos.CosmosClient>().GetDatabase(Cosmos(sp).DatabaseName),
            sp => CosmosClients.ForAzure(Cosmos(sp).Endpoint!, new DefaultAzureCredential(), bulk: true).GetDatabase(Cosmos(sp).DatabaseName));
        // After the shared services, so the Service Bus publisher is the one resolved on Azure whatever they register.
        AddEventPublishing(services, configuration);
    }

    /// <summary>
    /// Events go to the Service Bus topic, signed in as the managed identity (local auth is off on the namespace).
    /// The client and sender open their connection on the first send, not here; the host's container closes both when
    /// the host is disposed.
    /// </summary>
    private static void AddEventPublishing(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ServiceBusOptions>().Bind(configuration.GetSection(ServiceBusOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new ServiceBusClient(ServiceBus(sp).FullyQualifiedNamespace!, new DefaultAzureCredential(), new ServiceBusClientOptions
        {
            // A try bounded at 10 s (the SDK says 60): an unreachable namespace fails a relay pass in about 2 minutes, not 12.
            RetryOptions = new ServiceBusRetryOptions { Mode = ServiceBusRetryMode.Exponential, MaxRetries = EventLimits.PublishSdkRetriesMax, TryTimeout = EventLimits.PublishTryTimeout },
        }));
        services.AddSingleton(sp => sp.GetRequiredService<ServiceBusClient>().CreateSender(ServiceBus(sp).Topic));
        services.AddSingleton<IEventPublisher, ServiceBusEventPublisher>();
    }

    /// <summary>
    /// Traces and logs to Application Insights, which has local (key) auth off: the exporter signs in as the app's
    /// managed identity, and is added only where a connection string says where to send.
    /// </summary>
    private static void AddTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry().UseFunctionsWorkerDefaults().WithTracing(traces => traces.AddSource(Telemetry.Sources));
        if (!string.IsNullOrEmpty(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            telemetry.UseAzureMonitorExporter(exporter => exporter.Credential = new DefaultAzureCredential());
        }
    }

    private static CosmosOptions Cosmos(IServiceProvider services) => services.GetRequiredService<IOptions<CosmosOptions>>().Value;

    private static ServiceBusOptions ServiceBus(IServiceProvider services) => services.GetRequiredService<IOptions<ServiceBusOptions>>().Value;
}
