using System.Reflection;
using System.Text.Json.Nodes;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Events.Publishing;
using Pipeline.Application.Ledger;
using Pipeline.Application.Settings;
using Pipeline.Functions;

namespace Pipeline.Infrastructure.Tests;

/// <summary>
/// The Functions worker's own host (FunctionsApp, what Program runs) built with the app settings infra/ sets, as the
/// platform hands them over (ARM expressions and Key Vault references resolved to values of the same shape): every
/// service resolves, every function class can be created and every options class validates. No Functions host runs
/// here, so this is how a DI or settings mistake fails CI instead of the first deployment.
/// </summary>
[Collection(CompiledInfrastructureCollection.Name)]
public sealed class FunctionsWorkerTests(CompiledInfrastructure infra)
{
    /// <summary>What each setting whose compiled value is an ARM expression or a Key Vault reference looks like on Azure.</summary>
    private static readonly Dictionary<string, string> ResolvedOnAzure = new()
    {
        ["AzureWebJobsStorage__accountName"] = "stpipelineci",
        ["AzureWebJobsStorage__clientId"] = "11111111-2222-3333-4444-555555555555",
        ["AZURE_CLIENT_ID"] = "11111111-2222-3333-4444-555555555555",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=66666666-7777-8888-9999-000000000000;IngestionEndpoint=https://swedencentral-0.in.applicationinsights.azure.com/",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD",
        ["Pipeline__Cosmos__Endpoint"] = "https://cosmos-pipelineci.documents.azure.com:443/",
        ["Pipeline__Cosmos__DatabaseName"] = "pipeline",
        ["Pipeline__ServiceBus__Topic"] = "pipeline-events",
        ["PIPELINE_TASKHUB"] = "PipelineHub",
        ["Pipeline__KeyVault__Uri"] = "https://kv-pipelineci.vault.azure.net/",
        ["Pipeline__ServiceBus__FullyQualifiedNamespace"] = "sb-pipelineci.servicebus.windows.net",
        ["Pipeline__AdminKey"] = new string('a', 64),
        ["Pipeline__Collection__BankSecret"] = new string('b', 64),
        ["Pipeline__Settlement__DebtorName"] = "Pipeline Payments",
        ["Pipeline__Settlement__DebtorIban"] = "DE89370400440532013000",
        ["Pipeline__Settlement__DebtorBic"] = "",
        ["Pipeline__Settlement__DailyRunAtUtc"] = "02:00",
        ["Pipeline__Collection__CountryCode"] = "DE",
        ["Pipeline__Collection__BankPrefix"] = "37040044",
        ["Pipeline__Collection__BankBic"] = "",
    };

    [Fact]
    public void The_worker_builds_with_the_settings_infra_sets_and_every_function_and_options_class_resolves()
    {
        using var host = FunctionsApp.CreateBuilder()
            .ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(AzureSettings()))
            .UseDefaultServiceProvider(provider => (provider.ValidateOnBuild, provider.ValidateScopes) = (true, true))
            .Build();

        var functionClasses = typeof(FunctionsApp).Assembly.GetTypes()
            .Where(type => type.GetMethods().Any(method => method.GetCustomAttribute<FunctionAttribute>() is not null)).ToList();
        Assert.NotEmpty(functionClasses);
        Assert.All(functionClasses, type => Assert.NotNull(ActivatorUtilities.CreateInstance(host.Services, type)));

        var optionsClasses = typeof(CosmosOptions).Assembly.GetTypes().Where(type => type.GetCustomAttribute<SettingsSectionAttribute>() is not null).ToList();
        Assert.NotEmpty(optionsClasses);
        Assert.All(optionsClasses, type =>
        {
            var options = host.Services.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
            Assert.NotNull(options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options));
        });
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        Assert.IsType<ServiceBusEventPublisher>(host.Services.GetRequiredService<IEventPublisher>());

        // The ledger's background work is the host's: drained when the host stops. (Creating the hosted services
        // creates the worker's gRPC channel too, which needs the address the Functions host passes at start.)
        using var withHostAddress = FunctionsApp.CreateBuilder()
            .ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(AzureSettings())
                .AddInMemoryCollection([KeyValuePair.Create("Functions:Worker:HostEndpoint", (string?)"http://127.0.0.1:50051")]))
            .Build();
        Assert.Contains(withHostAddress.Services.GetServices<IHostedService>(), service => service is LedgerBackgroundWork);
    }

    /// <summary>
    /// Application Insights has local auth off: the worker's exporter must sign in (the managed identity through
    /// DefaultAzureCredential), and exists only where a connection string says where to send.
    /// </summary>
    [Fact]
    public void The_worker_exports_telemetry_signed_in_and_only_where_a_connection_string_is_set()
    {
        using var azure = FunctionsApp.CreateBuilder()
            .ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(AzureSettings()))
            .Build();
        var exporter = azure.Services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);
        Assert.IsType<DefaultAzureCredential>(exporter.Credential);

        using var local = FunctionsApp.CreateBuilder()
            .ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(AzureSettings().Where(s => s.Key != "APPLICATIONINSIGHTS_CONNECTION_STRING")))
            .Build();
        Assert.Null(local.Services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName).Credential);
    }

    /// <summary>The same build fails when a setting the code requires is missing, so the test above can fail.</summary>
    [Fact]
    public void Without_the_cosmos_endpoint_start_up_validation_fails()
    {
        var settings = AzureSettings().Where(s => s.Key != "Pipeline:Cosmos:Endpoint");
        using var host = FunctionsApp.CreateBuilder()
            .ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings))
            .Build();
        var failure = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("Endpoint", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Events go to the topic infra/ declares, in the namespace infra/ names. The client connects on the first send, so
    /// creating it opens nothing (there is no network here), and the host closes client and sender when it is disposed.
    /// </summary>
    [Fact]
    public void Events_are_published_to_the_service_bus_topic_and_the_client_closes_with_the_host()
    {
        var host = FunctionsApp.CreateBuilder()
            .ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(AzureSettings()))
            .Build();
        var client = host.Services.GetRequiredService<ServiceBusClient>();
        var sender = host.Services.GetRequiredService<ServiceBusSender>();
        Assert.Equal(ResolvedOnAzure["Pipeline__ServiceBus__FullyQualifiedNamespace"], client.FullyQualifiedNamespace);
        Assert.Equal(ServiceBusEntities.Topic, sender.EntityPath);

        host.Dispose();
        Assert.True(client.IsClosed);
        Assert.True(sender.IsClosed);
    }

    /// <summary>
    /// The namespace setting takes a host name only: a connection string (with its key) is refused at start-up, and
    /// the refusal does not repeat the key.
    /// </summary>
    [Fact]
    public void A_service_bus_connection_string_is_refused_at_start_up_without_repeating_its_key()
    {
        const string Key = "c2VjcmV0LWtleS1ub3QtdG8tYmUtbG9nZ2Vk";
        var settings = AzureSettings().Where(s => s.Key != "Pipeline:ServiceBus:FullyQualifiedNamespace").Append(KeyValuePair.Create(
            "Pipeline:ServiceBus:FullyQualifiedNamespace", (string?)$"Endpoint=sb://sb-pipelineci.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}"));
        using var host = FunctionsApp.CreateBuilder()
            .ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings))
            .Build();
        var failure = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("FullyQualifiedNamespace", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, failure.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// On Flex Consumption every new instance (each scale-out) would run a RunOnStartup timer; the maintenance timer
    /// keeps the eternal orchestration alive on its schedule instead.
    /// </summary>
    [Fact]
    public void No_timer_runs_on_start_up()
    {
        var timers = typeof(FunctionsApp).Assembly.GetTypes().SelectMany(type => type.GetMethods())
            .SelectMany(method => method.GetParameters()).Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).OfType<TimerTriggerAttribute>().ToList();
        Assert.NotEmpty(timers);
        Assert.All(timers, timer => Assert.False(timer.RunOnStartup));
    }

    /// <summary>
    /// Racing starters of the eternal maintenance orchestration are safe because the extension refuses a start whose
    /// instance is not in a terminal state; "AnyState" would make a lost race restart the winner.
    /// </summary>
    [Fact]
    public void The_durable_extension_refuses_to_restart_a_running_instance()
    {
        var host = JsonNode.Parse(File.ReadAllText(BicepCli.InRepository("host.json")))!;
        Assert.Equal("NonRunningStates", host["extensions"]?["durableTask"]?["overridableExistingInstanceStates"]?.GetValue<string>());
    }

    /// <summary>The Durable docs for Flex Consumption: poll the task hub queues at least every 10 s (the default is 30 s).</summary>
    [Fact]
    public void The_task_hub_is_polled_at_least_every_ten_seconds()
    {
        var host = JsonNode.Parse(File.ReadAllText(BicepCli.InRepository("host.json")))!;
        var interval = host["extensions"]?["durableTask"]?["storageProvider"]?["maxQueuePollingInterval"]?.GetValue<string>();
        Assert.True(TimeSpan.TryParse(interval, out var parsed) && parsed <= TimeSpan.FromSeconds(10), $"maxQueuePollingInterval is {interval ?? "not set (30 s)"}");
    }

    /// <summary>The app settings as configuration keys ("__" → ":"), each ARM expression replaced by its shape on Azure.</summary>
    private IEnumerable<KeyValuePair<string, string?>> AzureSettings()
    {
        var unresolved = infra.AppSettings().Where(s => IsResolvedOnAzure(s.Value) && !ResolvedOnAzure.ContainsKey(s.Key)).Select(s => s.Key).ToList();
        Assert.True(unresolved.Count == 0, $"give these settings a value of their Azure shape in {nameof(ResolvedOnAzure)}: {string.Join(", ", unresolved)}");
        return infra.AppSettings().Select(s => KeyValuePair.Create(
            s.Key.Replace("__", ":", StringComparison.Ordinal),
            (string?)(IsResolvedOnAzure(s.Value) ? ResolvedOnAzure[s.Key] : s.Value)));
    }

    private static bool IsResolvedOnAzure(string value) => value.StartsWith('[') || value.StartsWith("@Microsoft.KeyVault(", StringComparison.Ordinal);
}
