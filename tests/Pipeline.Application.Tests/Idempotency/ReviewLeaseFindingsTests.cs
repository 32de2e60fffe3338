using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Http;
using Pipeline.Application.Idempotency;
using Pipeline.Application.Tests.Ledger.Explorer;

namespace Pipeline.Application.Tests.Idempotency;

/// <summary>Finding of the second adversarial review on the idempotency lease.</summary>
[Collection(CosmosCollection.Name)]
public sealed class ReviewLeaseFindingsTests(CosmosFixture cosmos)
{
    private const string Scope = "merchant:mer_review";
    private const string Key = "order-skew";
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The lease's end is written from the holder's clock and judged against the taker's. With a 10 s lease renewed
    /// every 3 s, a host whose clock is more than 7 s ahead sees a live, renewing request as dead just before each
    /// renewal and takes its key over: the handler then runs twice at once — what the lease is there to prevent
    /// ("a request that is merely slow keeps renewing and is never taken over"). Here: 8 s of skew.
    /// </summary>
    [Fact]
    public async Task A_slow_request_that_keeps_renewing_is_not_taken_over_by_a_host_whose_clock_is_ahead()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var clock = new FakeTimeProvider(Start);
        var slow = Store(database, clock);
        var ahead = Store(database, new SkewedClock(clock, TimeSpan.FromSeconds(8)));
        var started = new TaskCompletionSource();
        var hanging = new TaskCompletionSource<ApiResponse>();
        var running = RunAsync(slow, () => { started.SetResult(); return hanging.Task; });
        await started.Task;

        var records = database.GetContainer(IdempotencyStore.ContainerName);
        var before = await ETagAsync(records);
        clock.Advance(ApiLimits.IdempotencyLeaseRenewal); // the slow request renews: its lease now ends at 13 s on its own clock
        await RenewedAsync(records, before);
        clock.Advance(TimeSpan.FromMilliseconds(2_500)); // 5.5 s on the slow host, 13.5 s on the other; the next renewal is due at 6 s

        var runs = 0;
        var duplicate = await clock.WhileAdvancingAsync(RunAsync(ahead, () => { runs++; return Task.FromResult(Created("duplicate")); }));
        hanging.SetResult(Created("slow"));
        await running;

        Assert.Equal((409, 0), (duplicate.Response.Status, runs));
    }

    private static IdempotencyStore Store(Database database, TimeProvider time) => new(database, time, NullLogger<IdempotencyStore>.Instance);

    private static async Task<string> ETagAsync(Container records) =>
        (await records.ReadItemAsync<JsonElement>(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key))), new PartitionKey(Scope))).ETag;

    /// <summary>Waits for the renewal the clock's advance set off (bounded; it runs on the thread pool).</summary>
    private static async Task RenewedAsync(Container records, string before)
    {
        for (var attempt = 0; attempt < 500 && await ETagAsync(records) == before; attempt++)
        {
            await Task.Delay(10);
        }

        Assert.NotEqual(before, await ETagAsync(records));
    }

    private static ApiResponse Created(string who) => new(StatusCodes.Status201Created, Encoding.UTF8.GetBytes($"\"{who}\""), ApiResponse.Json);

    private static Task<(ApiResponse Response, bool Replayed)> RunAsync(IdempotencyStore store, Func<Task<ApiResponse>> run)
    {
        var request = new DefaultHttpContext().Request;
        request.Method = "POST";
        request.Path = "/api/v1/payments";
        return store.RunOnceAsync(Scope, Key, request, Encoding.UTF8.GetBytes("{\"amount\":1}"), run, CancellationToken.None);
    }
}
