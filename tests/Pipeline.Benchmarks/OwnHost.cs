using Pipeline.Local;
using Pipeline.Local.Emulators;

namespace Pipeline.Benchmarks;

/// <summary>A benchmark's own local host (the charging simulation, the settlement run), on emulators that outlive it so it can be restarted mid-run.</summary>
internal sealed class OwnHost : IAsyncDisposable
{
    private readonly AzuriteProcess azurite;
    private readonly CosmosEmulatorProcess cosmos;
    private readonly Dictionary<string, string?> settings;

    private OwnHost(AzuriteProcess azurite, CosmosEmulatorProcess cosmos, Dictionary<string, string?> settings, LocalHost host)
    {
        (this.azurite, this.cosmos, this.settings, Host) = (azurite, cosmos, settings, host);
    }

    public LocalHost Host { get; private set; }

    public string AdminKey => settings["Pipeline:AdminKey"]!;

    public static async Task<OwnHost> StartAsync()
    {
        var root = CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory);
        var azurite = await AzuriteProcess.StartAsync(root, Path.Combine(Path.GetTempPath(), "pipeline-bench-host-" + Guid.NewGuid().ToString("N")));
        var cosmos = await CosmosEmulatorProcess.StartAsync(root);
        var settings = new Dictionary<string, string?>
        {
            ["Pipeline:Local:Url"] = "http://127.0.0.1:0",
            ["Pipeline:AdminKey"] = "adm_sim_" + Guid.NewGuid().ToString("N"),
            ["Pipeline:Cosmos:Endpoint"] = cosmos.Endpoint.ToString(),
            ["Pipeline:Local:StorageConnectionString"] = azurite.ConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        return new OwnHost(azurite, cosmos, settings, await LocalHost.StartAsync([], settings));
    }

    /// <summary>Stops the host and starts another on the same emulators; the charger gets a new secret (kept in the host's memory).</summary>
    public async Task RestartAsync(ChargingSimWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        await Host.DisposeAsync();
        Host = await LocalHost.StartAsync([], settings);
        await world.RotateSecretAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await cosmos.DisposeAsync();
        await azurite.DisposeAsync();
    }

    /// <summary>Sends each request to the host's current address (a restarted host listens on another port).</summary>
    internal sealed class Follow(OwnHost own, int connections) : DelegatingHandler(new SocketsHttpHandler { MaxConnectionsPerServer = connections })
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var address = own.Host.BaseAddress;
            request.RequestUri = new UriBuilder(request.RequestUri!) { Host = address.Host, Port = address.Port }.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
