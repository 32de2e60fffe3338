using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;

namespace Pipeline.Application.Idempotency;

/// <summary>
/// One request's hold on its Idempotency-Key: the record and its last ETag. While the request runs, the lease is
/// renewed in the background (If-Match that ETag), so only a request that stopped running — its process killed —
/// lets it lapse. A renewal that finds the record changed has been taken over: it stops, and leaves the taker's
/// record alone, as does everything else this request writes (If-Match its own ETag).
/// </summary>
internal sealed class IdempotencyLease(Container container, TimeProvider time, ILogger logger, IdempotencyRecord record, string etag, bool first)
{
    public IdempotencyRecord Record { get; private set; } = record;

    public string ETag { get; private set; } = etag;

    /// <summary>True when this request created the record; false when it took over the record of an earlier attempt.</summary>
    public bool First { get; } = first;

    public PartitionKey Partition => new(Record.Scope);

    /// <summary>The end of a lease that starts now.</summary>
    public static long Until(TimeProvider time) => CosmosTime.ToMicros(time.GetUtcNow() + ApiLimits.IdempotencyLease);

    /// <summary>Runs the request, renewing the lease until it ends; the renewal in flight finishes first, so <see cref="ETag"/> is then the last.</summary>
    public async Task<ApiResponse> RunAsync(Func<Task<ApiResponse>> run)
    {
        var timer = new PeriodicTimer(ApiLimits.IdempotencyLeaseRenewal, time);
        var renewing = RenewAsync(timer);
        try
        {
            return await run();
        }
        finally
        {
            timer.Dispose();
            await renewing;
        }
    }

    private async Task RenewAsync(PeriodicTimer timer)
    {
        while (await timer.WaitForNextTickAsync())
        {
            var renewed = Record with { LeaseUntilMicros = Until(time) };
            try
            {
                // Never cancelled half-way: a write that may or may not have happened would leave the ETag unknown.
                var response = await container.ReplaceItemAsync(renewed, renewed.Id, Partition,
                    new ItemRequestOptions { IfMatchEtag = ETag, EnableContentResponseOnWrite = false }, CancellationToken.None);
                (Record, ETag) = (renewed, response.ETag);
            }
            catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                return;
            }
            catch (CosmosException e)
            {
                // The lease still runs for a while; the next renewal tries again.
                logger.LogWarning(e, "Renewing the lease of idempotency record {Record} failed ({Status})", renewed.Id, e.StatusCode);
            }
        }
    }
}
