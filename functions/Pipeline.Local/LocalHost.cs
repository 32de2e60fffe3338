using Pipeline.Application.Charging.Sessions;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Azure.Cosmos;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Pipeline.Application.Collection;
using Pipeline.Application.Composition;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Diagnostics;
using Pipeline.Application.Durable;
using Pipeline.Application.Events;
using Pipeline.Application.Events.Publishing;
using Pipeline.Application.Health;
using Pipeline.Application.Maintenance;
using Pipeline.Application.Merchants;
using Pipeline.Application.Secrets;
using Pipeline.Application.Settings;
using Pipeline.Application.Settlement;
using Pipeline.Application.Webhooks;
using Pipeline.Local.Durable;
using Pipeline.Local.Emulators;

namespace Pipeline.Local;

/// <summary>
/// Pipeline on one machine: the routes of <see cref="ApiRoutes.All"/> through the same dispatcher as the Functions
/// app, the Cosmos emulator started when no endpoint is configured, the containers created, a demo merchant
/// seeded. Disposing it stops the server and everything it started.
/// </summary>
public sealed class LocalHost : IAsyncDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:7071";
    public const string DefaultTaskHub = "PipelineLocal";

    private readonly CosmosEmulatorProcess? emulator;
    private readonly CosmosClient client;

    private readonly AzuriteProcess? azurite;

    /// <summary>The loop that restarts eternal orchestrations (<see cref="KeepOrchestrationsAsync"/>).</summary>
    private readonly Task keeper;

    /// <summary>As the Functions app's timers.</summary>
    private static readonly TimeSpan KeepInterval = TimeSpan.FromMinutes(5);

    private LocalHost(WebApplication app, DurableEngine durable, Task keeper, AzuriteProcess? azurite, CosmosEmulatorProcess? emulator, CosmosClient client, string adminKeySource, string demoKey)
    {
        this.keeper = keeper;
        this.azurite = azurite;
        App = app;
        Durable = durable;
        this.emulator = emulator;
        this.client = client;
        AdminKeySource = adminKeySource;
        DemoMerchantApiKey = demoKey;
    }

    public WebApplication App { get; }

    /// <summary>The Durable Task engine running the orchestrations (its client schedules and queries them).</summary>
    public DurableEngine Durable { get; }

    public string AdminKeySource { get; }

    public string DemoMerchantApiKey { get; }

    /// <summary>The address the server listens on (with port 0, the port it was given).</summary>
    public Uri BaseAddress => new(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <param name="services">Changes to the services after the platform's own, e.g. a test's clock in place of the system's.</param>
    public static async Task<LocalHost> StartAsync(string[] args, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        // On one machine receivers listen on loopback over http; Azure's settings allow neither (docs/EVENTS.md).
        builder.Configuration[$"{WebhookOptions.Section}:{nameof(WebhookOptions.AllowHttp)}"] ??= "true";
        builder.Configuration[$"{WebhookOptions.Section}:{nameof(WebhookOptions.AllowedNetworks)}"] ??= "127.0.0.0/8,::1/128";
        var local = LocalOptions.From(builder.Configuration);
        var adminKeySource = EnsureAdminKey(builder.Configuration, local);
        builder.WebHost.UseUrls(local.Url);
        var cosmos = builder.Configuration.GetSection(CosmosOptions.Section).Get<CosmosOptions>() ?? new CosmosOptions();
        var (emulator, endpoint) = await CosmosEndpointAsync(builder.Configuration, cosmos);
        var client = CosmosClients.ForEmulator(endpoint, CosmosEmulatorProcess.EmulatorKey);
        var databaseName = cosmos.DatabaseName;
        builder.Services.AddSingleton<ISecretStore, InMemorySecretStore>();
        builder.Services.AddSingleton(sp => new LocalEventLog(sp.GetRequiredService<TimeProvider>(), string.IsNullOrEmpty(local.EventLogPath) ? null : local.EventLogPath));
        builder.Services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<LocalEventLog>());
        var taskHubHealth = new TaskHubHealthCheck();
        builder.Services.AddSingleton<IHealthCheck>(taskHubHealth);
        // Traces are recorded only when they go somewhere: recording every span of every request with nobody
        // to send them to cost the host a measurable share of its CPU under load (docs/PERFORMANCE.md).
        if (!string.IsNullOrEmpty(local.OtlpEndpoint))
        {
            builder.Services.AddOpenTelemetry().WithTracing(traces => traces.AddSource(Telemetry.Sources).AddAspNetCoreInstrumentation()).UseOtlpExporter();
        }

        var bulkClient = CosmosClients.ForEmulator(endpoint, CosmosEmulatorProcess.EmulatorKey, bulk: true);
        builder.Services.AddPipeline(builder.Configuration, _ => client.GetDatabase(databaseName), _ => bulkClient.GetDatabase(databaseName));
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(bulkClient.Dispose);
        try
        {
            // Settings first, before any I/O: a missing or invalid one stops start-up with a message naming it.
            _ = app.Services.GetRequiredService<IOptions<PipelineOptions>>().Value;
            Database database = await client.CreateDatabaseIfNotExistsAsync(databaseName);
            await CosmosContainerCatalog.CreateIfNotExistsAsync(database);
        }
        catch
        {
            client.Dispose();
            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }

            throw;
        }

        foreach (var route in ApiRoutes.All)
        {
            Func<HttpContext, Task<IResult>> dispatch = http => Api.DispatchAsync(http, route);
            app.MapMethods(route.Path, [route.Method], dispatch).WithName(route.Name);
        }

        Func<HttpContext, IResult> notFound = Api.NotFound;
        app.MapFallback(notFound);
        await app.StartAsync();
        var (azurite, storage) = await StorageAsync(local);
        var durable = await StartDurableAsync(storage, app.Services, local.TaskHub);
        taskHubHealth.Engine = durable;
        var keeper = KeepOrchestrationsAsync(durable.Client, app.Services, app.Lifetime.ApplicationStopping);
        var demo = await app.Services.GetRequiredService<MerchantStore>().CreateAsync("Demo merchant", null, CancellationToken.None);
        return new LocalHost(app, durable, keeper, azurite, emulator, client, adminKeySource, demo!.ApiKey!);
    }

    public void PrintWelcome(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"Pipeline local host listening on {BaseAddress}");
        output.WriteLine($"  API:      {BaseAddress}api/v1/...   OpenAPI: {BaseAddress}api/v1/openapi.json   Health: {BaseAddress}api/v1/health");
        output.WriteLine($"  Cosmos:   {(emulator is null ? "the endpoint in Pipeline:Cosmos:Endpoint" : $"local emulator at {emulator.Endpoint}")} (in memory: data is gone when it stops)");
        output.WriteLine($"  Durable:  task hub on {(azurite is null ? "the storage account in Pipeline:Local:StorageConnectionString" : "Azurite (data in .azurite/, kept across restarts)")}");
        output.WriteLine($"  Admin key: {AdminKeySource}");
        output.WriteLine(string.IsNullOrEmpty(App.Services.GetRequiredService<IOptions<CollectionOptions>>().Value.BankSecret)
            ? "  Bank webhooks: refused (set Pipeline:Collection:BankSecret, 32+ characters, to sign POST /api/v1/webhooks/bank/credits as the bank)"
            : "  Bank webhooks: signed with the setting Pipeline:Collection:BankSecret");
        if (emulator is not null && azurite is not null)
        {
            // Two hosts on one database are what two instances on Azure are: each with its own caches (docs/OPERATIONS.md).
            output.WriteLine("  A second host on the same data (same admin key), in another terminal:");
            output.WriteLine($"    Pipeline__Cosmos__Endpoint={emulator.Endpoint} Pipeline__Local__StorageConnectionString='{azurite.ConnectionString}' \\");
            output.WriteLine("    Pipeline__Local__Url=http://127.0.0.1:7072 Pipeline__AdminKey=<the admin key> dotnet run --project functions/Pipeline.Local");
        }

        output.WriteLine($"  Demo merchant API key (shown once): {DemoMerchantApiKey}");
        output.WriteLine("Press Ctrl-C to stop; everything started here stops with it.");
    }

    public async ValueTask DisposeAsync()
    {
        // Stopping first: the event relay's and webhook workers' passes (up to 8 s each) end at once.
        App.Lifetime.StopApplication();
        await keeper;
        // The Durable worker next: while its work-item stream is open, the server would wait ~30 s to stop.
        await Durable.DisposeAsync();
        await App.StopAsync();
        await App.DisposeAsync();
        client.Dispose();
        if (emulator is not null)
        {
            await emulator.DisposeAsync();
        }

        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }

    /// <summary>
    /// The same orchestrator and activity classes as the Functions app, on DurableTask.Core with the Azure Storage
    /// backend on Azurite, and the eternal orchestrations — ledger maintenance, the event relays (unless
    /// Pipeline:Events:RelayEnabled is off), the workers of endpoints with pending deliveries — started unless they
    /// already run.
    /// </summary>
    private static async Task<DurableEngine> StartDurableAsync(string storage, IServiceProvider services, string taskHub)
    {
        var relay = services.GetRequiredService<EventRelay>();
        var durable = await DurableEngine.StartAsync(
            storage,
            taskHub,
            registry => registry
                .AddOrchestrator<LedgerMaintenanceOrchestrator>().AddActivity<LedgerMaintenanceActivity>()
                .AddOrchestrator<EventRelayOrchestrator>().AddActivity<EventRelayActivity>()
                .AddOrchestrator<WebhookEndpointOrchestrator>().AddActivity<DeliverDueActivity>()
                .AddOrchestrator<ChargingSessionOrchestrator>().AddActivity<CheckSessionActivity>()
                .AddOrchestrator<SettlementRunOrchestrator>().AddActivity<ListMerchantsActivity>().AddActivity<SettleMerchantsActivity>().AddActivity<CompleteRunActivity>()
                .AddOrchestrator<CollectionOrchestrator>().AddActivity<CheckCollectionActivity>(),
            worker => worker.AddSingleton(services.GetRequiredService<LedgerMaintenance>()).AddSingleton(relay).AddSingleton(services.GetRequiredService<DeliveryPass>())
                .AddSingleton(services.GetRequiredService<SessionFinalizer>())
                .AddSingleton(services.GetRequiredService<MerchantSettler>()).AddSingleton(services.GetRequiredService<SettlementRuns>())
                .AddSingleton(services.GetRequiredService<CollectionStore>()));
        services.GetRequiredService<DurableClientSlot>().Client = durable.Client;
        await EnsureOrchestrationsAsync(durable.Client, services, CancellationToken.None);
        return durable;
    }

    /// <summary>
    /// Starts each eternal orchestration that is not running — what the Functions app's timers do every 5 minutes
    /// (maintenance, relays, webhook workers with pending deliveries: after a purge, or a wake-up lost to a worker that
    /// was ending).
    /// </summary>
    private static async Task EnsureOrchestrationsAsync(DurableTaskClient client, IServiceProvider services, CancellationToken cancellationToken)
    {
        var interval = services.GetRequiredService<IOptions<MaintenanceOptions>>().Value.Interval;
        await MaintenanceScheduler.EnsureRunningAsync(client, new MaintenanceSchedule(interval), cancellationToken);
        if (services.GetRequiredService<IOptions<EventOptions>>().Value.RelayEnabled)
        {
            await EventScheduler.EnsureRelaysAsync(client, services.GetRequiredService<EventRelay>(), cancellationToken);
        }

        await DurableWebhookWorkers.EnsureRunningAsync(client, services.GetRequiredService<DeliveryStore>(), cancellationToken);
        await SettlementScheduler.EnsureDailyRunAsync(
            client, services.GetRequiredService<SettlementRuns>(), services.GetRequiredService<IOptions<SettlementOptions>>().Value, services.GetRequiredService<TimeProvider>(), cancellationToken);
    }

    /// <summary>The Functions app's 5-minute timers, on one machine: until the host stops.</summary>
    private static async Task KeepOrchestrationsAsync(DurableTaskClient client, IServiceProvider services, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(KeepInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    await EnsureOrchestrationsAsync(client, services, stopping);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    services.GetRequiredService<ILogger<LocalHost>>().LogError(e, "Starting the eternal orchestrations failed; trying again in {Interval}", KeepInterval);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    /// <summary>The storage account of the task hub: Pipeline:Local:StorageConnectionString, or Azurite started here with its data in a folder.</summary>
    private static async Task<(AzuriteProcess? Azurite, string ConnectionString)> StorageAsync(LocalOptions local)
    {
        if (!string.IsNullOrEmpty(local.StorageConnectionString))
        {
            return (null, local.StorageConnectionString);
        }

        var root = CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory);
        var folder = string.IsNullOrEmpty(local.AzuriteFolder) ? Path.Combine(root, ".azurite") : local.AzuriteFolder;
        var azurite = await AzuriteProcess.StartAsync(root, folder);
        return (azurite, azurite.ConnectionString);
    }

    /// <summary>
    /// Uses Pipeline:AdminKey when set; otherwise makes a random one for this run, so no key ever sits in the repo. A
    /// setting that is present but empty is kept as it is: someone meant to set it, so validation stops start-up.
    /// </summary>
    private static string EnsureAdminKey(ConfigurationManager configuration, LocalOptions local)
    {
        if (local.AdminKey is not null)
        {
            return "from the setting Pipeline:AdminKey";
        }

        // Written into configuration, so PipelineOptions binds it like any given key.
        var key = "adm_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        configuration[$"{PipelineOptions.Section}:{nameof(PipelineOptions.AdminKey)}"] = key;
        return $"{key} (generated for this run; set Pipeline:AdminKey to choose one)";
    }

    /// <summary>The configured Cosmos DB endpoint, or the emulator started here (written into configuration for CosmosOptions).</summary>
    private static async Task<(CosmosEmulatorProcess? Emulator, Uri Endpoint)> CosmosEndpointAsync(ConfigurationManager configuration, CosmosOptions cosmos)
    {
        if (cosmos.Endpoint is { IsAbsoluteUri: true })
        {
            return (null, cosmos.Endpoint);
        }

        var emulator = await CosmosEmulatorProcess.StartAsync(CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory));
        configuration[$"{CosmosOptions.Section}:{nameof(CosmosOptions.Endpoint)}"] = emulator.Endpoint.ToString();
        return (emulator, emulator.Endpoint);
    }
}
