using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pipeline.Application.Collection;
using Pipeline.Application.Composition;

namespace Pipeline.Functions;

/// <summary>Collection's routes on Azure, each a one-line call into the shared dispatcher.</summary>
public sealed class CollectionFunctions
{
    [Function("CreateCollection")]
    public Task<IResult> CreateCollection([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/collections")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, CollectionRoutes.Create);

    [Function("GetCollection")]
    public Task<IResult> GetCollection([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/collections/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, CollectionRoutes.Get);

    [Function("CancelCollection")]
    public Task<IResult> CancelCollection([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/collections/{id}/cancel")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, CollectionRoutes.Cancel);
}
