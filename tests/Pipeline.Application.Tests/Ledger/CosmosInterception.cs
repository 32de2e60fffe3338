using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Local.Emulators;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// A second "process" on the same database whose Cosmos calls pass through a test handler: a way to stop a writer
/// between two Cosmos calls where the product has no <c>ILedgerFaults</c> seam. Nothing in the product is changed;
/// only this client's pipeline.
/// </summary>
internal static class CosmosInterception
{
    /// <summary>The database <paramref name="database"/> seen through a fresh client whose requests pass through <paramref name="handler"/>.</summary>
    public static Database Through(CosmosFixture cosmos, Database database, RequestHandler handler)
    {
        var options = new CosmosClientOptions
        {
            UseSystemTextJsonSerializerWithOptions = CosmosJson.Options,
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            ApplicationName = "pipeline-review",
        };
        options.CustomHandlers.Add(handler);
        var client = new CosmosClient(cosmos.Client.Endpoint.ToString(), CosmosEmulatorProcess.EmulatorKey, options);
        return client.GetDatabase(database.Id);
    }

    public static string PartitionOf(RequestMessage request) =>
        request.Headers["x-ms-documentdb-partitionkey"] is { } key ? key.Trim('[', ']', '"') : "";

    public static bool IsReplace(RequestMessage request, string container, string id, string partition) =>
        request.Method == HttpMethod.Put && request.RequestUri.OriginalString.EndsWith($"/colls/{container}/docs/{id}", StringComparison.Ordinal)
        && PartitionOf(request) == partition;
}

/// <summary>Lets every request through, but stops once after the first one <paramref name="matches"/> has been answered, until released.</summary>
internal sealed class PauseAfterHandler(Func<RequestMessage, bool> matches) : RequestHandler
{
    private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int armed = 1;

    public Task Reached => reached.Task.WaitAsync(TimeSpan.FromSeconds(30));

    public void Release() => released.TrySetResult();

    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (matches(request) && response.IsSuccessStatusCode && Interlocked.Exchange(ref armed, 0) == 1)
        {
            reached.TrySetResult();
            await released.Task;
        }

        return response;
    }
}
