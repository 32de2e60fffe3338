using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Collection;
using Pipeline.Application.Composition;
using Pipeline.Application.Durable;

namespace Pipeline.Functions;

/// <summary>
/// Collection on Azure: its routes (creating one hands the Durable client over, to start the collection's orchestration)
/// and the Durable wrappers around the shared orchestration.
/// </summary>
public sealed class CollectionFunctions(CollectionStore store)
{
    [Function("CreateCollection")]
    public Task<IResult> CreateCollection(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/collections")] HttpRequest request, [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.RequestServices.GetRequiredService<DurableClientSlot>().Client ??= client;
        return Api.DispatchAsync(request.HttpContext, CollectionRoutes.Create);
    }

    [Function(nameof(CollectionOrchestrator))]
    public Task<bool> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new CollectionOrchestrator().RunAsync(context, context.GetInput<CollectionWork>()
            ?? throw new InvalidOperationException("A collection's orchestration is started with its collection (CollectionWatch)."));

    [Function(nameof(CheckCollectionActivity))]
    public Task<CollectionCheck> Check([ActivityTrigger] CollectionWork work) => store.CheckAsync(work, CancellationToken.None);

    [Function("GetCollection")]
    public Task<IResult> GetCollection([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/collections/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, CollectionRoutes.Get);

    [Function("ListCollections")]
    public Task<IResult> ListCollections([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/collections")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, CollectionRoutes.List);

    [Function("CancelCollection")]
    public Task<IResult> CancelCollection([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/collections/{id}/cancel")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, CollectionRoutes.Cancel);
}
