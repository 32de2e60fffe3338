using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Pipeline.Local.Tests;

/// <summary>One request is one trace: the HTTP request, Pipeline's route span and the Cosmos DB calls under it.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class TracingTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task A_request_traces_from_http_through_the_route_to_cosmos()
    {
        var seen = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Pipeline" or "Azure.Cosmos.Operation" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = seen.Add,
        };
        ActivitySource.AddActivityListener(listener);

        using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/merchants", fixture.AdminKey, new { name = "Traced" }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var route = Assert.Single(seen, a => a.Source.Name == "Pipeline" && a.OperationName == "CreateMerchant");
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), route.GetTagItem("pipeline.request_id"));
        Assert.Contains(seen, a => a.Source.Name == "Microsoft.AspNetCore" && a.TraceId == route.TraceId);
        Assert.Contains(seen, a => a.Source.Name == "Azure.Cosmos.Operation" && a.TraceId == route.TraceId && a.ParentSpanId != default);
    }
}
