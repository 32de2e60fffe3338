using System.Net;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Local.Emulators;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// A second "process" on the same database whose Cosmos calls pass through a test handler: a way to stop a writer
/// between two Cosmos calls where the product has no <c>ILedgerFaults</c> seam, or to have one read answered as a
/// lagging replica would answer it. Nothing in the product is changed; only this client's pipeline.
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

    public static bool IsPointRead(RequestMessage request, string container, string id) =>
        request.Method == HttpMethod.Get && request.RequestUri.OriginalString.EndsWith($"/colls/{container}/docs/{id}", StringComparison.Ordinal);

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

/// <summary>
/// Answers the first read that <paramref name="matches"/> with 404, as a replica that has not yet received a document
/// another process created would (session consistency: another session's writes may not be visible yet); every other
/// request goes through.
/// </summary>
internal sealed class LaggingReplicaHandler(Func<RequestMessage, bool> matches) : RequestHandler
{
    private int armed = 1;

    public bool Served => armed == 0;

    public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken) =>
        matches(request) && Interlocked.Exchange(ref armed, 0) == 1
            ? Task.FromResult(new ResponseMessage(HttpStatusCode.NotFound, request, "Not found (a replica lagging behind the write)."))
            : base.SendAsync(request, cancellationToken);
}
