using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Application.Http;
using Pipeline.Application.Idempotency;

namespace Pipeline.Application.Tests.Idempotency;

/// <summary>
/// A request under an Idempotency-Key that ends in a 5xx or an exception is not kept: the same request may run
/// again at once. But the key stays bound to that request — its effect may stand even though its answer was lost,
/// so another request with the key is still a reuse (this is what keeps a retried payment from charging a second wallet).
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class IdempotencyReleaseTests(CosmosFixture cosmos)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task After_a_5xx_or_an_exception_the_same_request_runs_again_and_another_is_a_reuse(bool throws)
    {
        var store = new IdempotencyStore(await cosmos.CreateLedgerDatabaseAsync(), TimeProvider.System, NullLogger<IdempotencyStore>.Instance);
        var runs = 0;
        Task<ApiResponse> Failing()
        {
            runs++;
            return throws ? throw new InvalidOperationException("The payment document could not be written.")
                : Task.FromResult(ApiResponse.Problem(StatusCodes.Status503ServiceUnavailable, "payment_busy", "Try again."));
        }

        Task<ApiResponse> Succeeding()
        {
            runs++;
            return Task.FromResult(new ApiResponse(StatusCodes.Status201Created, Encoding.UTF8.GetBytes("{\"id\":\"pay_1\"}"), ApiResponse.Json));
        }

        if (throws)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(store, "wallet A", Failing));
        }
        else
        {
            Assert.Equal(503, (await RunAsync(store, "wallet A", Failing)).Response.Status);
        }

        var other = await RunAsync(store, "wallet B", Succeeding);
        Assert.Equal((422, 1), (other.Response.Status, runs));
        Assert.Contains("idempotency_key_reused", Encoding.UTF8.GetString(other.Response.Body), StringComparison.Ordinal);

        var retried = await RunAsync(store, "wallet A", Succeeding);
        Assert.Equal((201, false, 2), (retried.Response.Status, retried.Replayed, runs));
        var replayed = await RunAsync(store, "wallet A", Succeeding);
        Assert.Equal((201, true, 2), (replayed.Response.Status, replayed.Replayed, runs));
    }

    private static Task<(ApiResponse Response, bool Replayed)> RunAsync(IdempotencyStore store, string body, Func<Task<ApiResponse>> run)
    {
        var request = new DefaultHttpContext().Request;
        request.Method = "POST";
        request.Path = "/api/v1/payments";
        return store.RunOnceAsync("mer_1", "order-1", request, Encoding.UTF8.GetBytes(body), run, CancellationToken.None);
    }
}
