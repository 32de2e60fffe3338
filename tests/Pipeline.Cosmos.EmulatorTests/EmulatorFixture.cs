using Microsoft.Azure.Cosmos;
using Pipeline.Local.Emulators;

namespace Pipeline.Cosmos.EmulatorTests;

/// <summary>
/// Starts the local Cosmos endpoint (node emulators/cosmos/server.js on a free port) once for the
/// test collection, or uses the one named by PIPELINE_COSMOS_ENDPOINT, and hands out a CosmosClient
/// set up the way the product talks to it: Gateway mode, endpoint discovery off, the public emulator key.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public const string EmulatorKey = CosmosEmulatorProcess.EmulatorKey;

    public const string EndpointVariable = "PIPELINE_COSMOS_ENDPOINT";

    private CosmosEmulatorProcess? emulator;

    public Uri Endpoint { get; private set; } = null!;

    public CosmosClient Client { get; private set; } = null!;

    public Database Database { get; private set; } = null!;

    /// <summary>Whether this fixture started the emulator (so its diagnostics route is known to exist).</summary>
    public bool StartedEmulator => emulator is not null;

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EndpointVariable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            emulator = await CosmosEmulatorProcess.StartAsync(CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory));
            Endpoint = emulator.Endpoint;
        }
        else
        {
            Endpoint = new Uri(configured);
        }

        Client = CreateClient();
        Database = await Client.CreateDatabaseAsync(UniqueName("db"));
    }

    public async Task DisposeAsync()
    {
        if (emulator is null && Database is not null)
        {
            // A shared endpoint outlives this run: leave it as it was found.
            await Database.DeleteAsync();
        }

        Client?.Dispose();
        if (emulator is not null)
        {
            await emulator.DisposeAsync();
        }
    }

    /// <summary>A client with the settings the product uses; tests that need their own options pass them.</summary>
    public CosmosClient CreateClient(Action<CosmosClientOptions>? configure = null)
    {
        var options = new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            SerializerOptions = new CosmosSerializationOptions
            {
                PropertyNamingPolicy = CosmosPropertyNamingPolicy.CamelCase,
            },
            RequestTimeout = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(options);
        return new CosmosClient(Endpoint.ToString(), EmulatorKey, options);
    }

    /// <summary>A new container with a unique name, partitioned on <paramref name="partitionKeyPath"/>.</summary>
    public async Task<Container> CreateContainerAsync(string partitionKeyPath = "/pk")
    {
        ContainerResponse response = await Database.CreateContainerAsync(UniqueName("c"), partitionKeyPath);
        return response.Container;
    }

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}

/// <summary>Every emulator test shares one endpoint; each test makes its own container.</summary>
[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "Cosmos emulator";
}
