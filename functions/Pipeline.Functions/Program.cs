using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using Pipeline.Application;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Secrets;

// The Functions app: the same services as the local host, with Cosmos DB reached through the app's managed
// identity (AZURE_CLIENT_ID names the user-assigned identity for DefaultAzureCredential).
var host = new HostBuilder()
    .ConfigureFunctionsWebApplication()
    .ConfigureServices((context, services) =>
    {
        services.AddOptions<CosmosOptions>().Bind(context.Configuration.GetSection(CosmosOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var cosmos = sp.GetRequiredService<IOptions<CosmosOptions>>().Value;
            return CosmosClients.ForAzure(cosmos.Endpoint!, new DefaultAzureCredential());
        });
        // Traces and logs to Application Insights, which has local (key) auth off: the exporter signs in as the app's
        // managed identity (AZURE_CLIENT_ID), and is added only where a connection string says where to send.
        var telemetry = services.AddOpenTelemetry().UseFunctionsWorkerDefaults().WithTracing(traces => traces.AddSource(Telemetry.Sources));
        if (!string.IsNullOrEmpty(context.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            telemetry.UseAzureMonitorExporter(exporter => exporter.Credential = new DefaultAzureCredential());
        }

        services.AddOptions<KeyVaultOptions>().Bind(context.Configuration.GetSection(KeyVaultOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ISecretStore>(sp => new KeyVaultSecretStore(
            new SecretClient(sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value.Uri!, new DefaultAzureCredential()),
            sp.GetRequiredService<TimeProvider>()));
        services.AddPipeline(
            context.Configuration,
            sp => sp.GetRequiredService<Microsoft.Azure.Cosmos.CosmosClient>().GetDatabase(sp.GetRequiredService<IOptions<CosmosOptions>>().Value.DatabaseName),
            sp => CosmosClients.ForAzure(sp.GetRequiredService<IOptions<CosmosOptions>>().Value.Endpoint!, new DefaultAzureCredential(), bulk: true)
                .GetDatabase(sp.GetRequiredService<IOptions<CosmosOptions>>().Value.DatabaseName));
    })
    .Build();
await host.RunAsync();
