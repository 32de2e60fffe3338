using Pipeline.Local.Emulators;

namespace Pipeline.Local.Tests;

/// <summary>
/// A host on emulators that outlive it, so a test can restart it: Cosmos DB and Azurite (the Durable task hub) keep what
/// the first host wrote, as they would on Azure when an instance is replaced.
/// </summary>
public class RestartableHostFixture : LocalHostFixture
{
    private AzuriteProcess? azurite;
    private CosmosEmulatorProcess? cosmos;

    /// <summary>Settings a derived fixture adds for its tests.</summary>
    protected virtual IReadOnlyDictionary<string, string?> HostSettings { get; } = new Dictionary<string, string?>();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>(HostSettings)
    {
        ["Pipeline:Cosmos:Endpoint"] = cosmos!.Endpoint.ToString(),
        ["Pipeline:Local:StorageConnectionString"] = azurite!.ConnectionString,
    };

    public override async Task InitializeAsync()
    {
        var root = CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory);
        azurite = await AzuriteProcess.StartAsync(root, Path.Combine(Path.GetTempPath(), "pipeline-restartable-" + Guid.NewGuid().ToString("N")));
        cosmos = await CosmosEmulatorProcess.StartAsync(root);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await cosmos!.DisposeAsync();
        await azurite!.DisposeAsync();
    }
}
