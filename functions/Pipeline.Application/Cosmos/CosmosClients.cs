using Azure.Core;
using Microsoft.Azure.Cosmos;

namespace Pipeline.Application.Cosmos;

/// <summary>The one way Pipeline builds a <see cref="CosmosClient"/>: the document format of <see cref="CosmosJson"/>, and Gateway mode locally.</summary>
public static class CosmosClients
{
    // The Cosmos SDK emits its "Azure.Cosmos.Operation" spans only behind this Azure SDK switch, which is how a
    // request's trace reaches down to each Cosmos DB call.
    static CosmosClients() => AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);

    private static CosmosClientTelemetryOptions Tracing => new() { DisableDistributedTracing = false };

    /// <summary>For Azure: Direct mode and a managed identity (no keys anywhere).</summary>
    /// <param name="bulk">
    /// Bulk execution: the SDK packs concurrent point writes into one request per partition range. Only for
    /// background work (the ledger's charge completer), since it trades each write's latency for throughput.
    /// </param>
    public static CosmosClient ForAzure(Uri endpoint, TokenCredential credential, bool bulk = false) =>
        new(endpoint.ToString(), credential, new CosmosClientOptions
        {
            UseSystemTextJsonSerializerWithOptions = CosmosJson.Options,
            AllowBulkExecution = bulk,
            ApplicationName = "pipeline",
            CosmosClientTelemetryOptions = Tracing,
        });

    /// <summary>
    /// For the local emulator: Gateway mode (it serves only the REST gateway), no endpoint discovery, and the
    /// emulator's public key.
    /// </summary>
    /// <param name="bulk">As for <see cref="ForAzure"/>.</param>
    public static CosmosClient ForEmulator(Uri endpoint, string emulatorKey, bool bulk = false) =>
        new(endpoint.ToString(), emulatorKey, new CosmosClientOptions
        {
            UseSystemTextJsonSerializerWithOptions = CosmosJson.Options,
            AllowBulkExecution = bulk,
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            ApplicationName = "pipeline",
            CosmosClientTelemetryOptions = Tracing,
        });
}
