using Microsoft.Azure.Cosmos;
using Pipeline.Application.Composition;
using Pipeline.Application.Cosmos;
using Pipeline.Local.Emulators;

namespace Pipeline.Application.Tests;

/// <summary>
/// One local Cosmos endpoint for the whole test assembly (or the one named by PIPELINE_COSMOS_ENDPOINT), and a
/// fresh database per test class so tests never see each other's data.
/// </summary>
public sealed class CosmosFixture : IAsyncLifetime
{
    private CosmosEmulatorProcess? emulator;

    public CosmosClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable("PIPELINE_COSMOS_ENDPOINT");
        Uri endpoint;
        if (string.IsNullOrWhiteSpace(configured))
        {
            emulator = await CosmosEmulatorProcess.StartAsync(CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory));
            endpoint = emulator.Endpoint;
        }
        else
        {
            endpoint = new Uri(configured);
        }

        Client = CosmosClients.ForEmulator(endpoint, CosmosEmulatorProcess.EmulatorKey);
    }

    /// <summary>A new database with the ledger containers.</summary>
    public async Task<Database> CreateLedgerDatabaseAsync()
    {
        Database database = await Client.CreateDatabaseAsync($"ledger-{Guid.NewGuid():N}");
        await CosmosContainerCatalog.CreateIfNotExistsAsync(database);
        return database;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (emulator is not null)
        {
            await emulator.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CosmosCollection : ICollectionFixture<CosmosFixture>
{
    public const string Name = "Cosmos";
}
