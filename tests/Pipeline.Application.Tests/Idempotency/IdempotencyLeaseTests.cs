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

/// <summary>
/// A request holds its Idempotency-Key by a short lease that it renews while it runs. A process killed mid-request
/// stops renewing, so the same request may retry seconds later; a request that is merely slow keeps its key.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class IdempotencyLeaseTests(CosmosFixture cosmos)
{
    private const string Scope = "merchant:mer_1";
    private const string Key = "order-1";
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_request_that_died_holding_its_key_lets_the_same_request_retry_once_its_lease_has_passed()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        // The dead process's clock never moves, so its renewals never come: that is what a kill -9 looks like from outside.
        var dead = Store(database, new FakeTimeProvider(Start));
        var clock = new FakeTimeProvider(Start);
        var live = Store(database, clock);
        var started = new TaskCompletionSource();
        var hanging = new TaskCompletionSource<ApiResponse>();
        var dying = RunAsync(dead, () => { started.SetResult(); return hanging.Task; });
        await started.Task;

        clock.Advance(ApiLimits.IdempotencyLease + TimeSpan.FromSeconds(1));
        // The retry watches the record for a renewal period before it takes over: none comes from a dead process.
        var retried = await clock.WhileAdvancingAsync(RunAsync(live, () => Task.FromResult(Created("taker"))));
        hanging.SetResult(Created("presumed dead"));
        await dying;
        var replayed = await RunAsync(live, () => throw new InvalidOperationException("A replay must not run the handler."));

        Assert.Equal((201, false, "taker"), (retried.Response.Status, retried.Replayed, Text(retried.Response)));
        Assert.Equal((201, true, "taker"), (replayed.Response.Status, replayed.Replayed, Text(replayed.Response)));
    }

    [Fact]
    public async Task A_long_running_request_renews_its_lease_and_is_not_taken_over()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var clock = new FakeTimeProvider(Start);
        var (slow, other) = (Store(database, clock), Store(database, clock));
        var started = new TaskCompletionSource();
        var hanging = new TaskCompletionSource<ApiResponse>();
        var running = RunAsync(slow, () => { started.SetResult(); return hanging.Task; });
        await started.Task;

        var records = database.GetContainer(IdempotencyStore.ContainerName);
        for (var elapsed = TimeSpan.Zero; elapsed < ApiLimits.IdempotencyLease * 3; elapsed += ApiLimits.IdempotencyLeaseRenewal)
        {
            var before = await ETagAsync(records);
            clock.Advance(ApiLimits.IdempotencyLeaseRenewal);
            await RenewedAsync(records, before);
        }

        var duplicate = await RunAsync(other, () => throw new InvalidOperationException("The key is still held."));
        hanging.SetResult(Created("slow"));
        var finished = await running;
        var replayed = await RunAsync(other, () => throw new InvalidOperationException("A replay must not run the handler."));

        Assert.Equal(409, duplicate.Response.Status);
        Assert.Contains("idempotency_key_in_progress", Encoding.UTF8.GetString(duplicate.Response.Body), StringComparison.Ordinal);
        Assert.Equal((201, false, "slow"), (finished.Response.Status, finished.Replayed, Text(finished.Response)));
        Assert.Equal((201, true, "slow"), (replayed.Response.Status, replayed.Replayed, Text(replayed.Response)));
    }

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

    /// <summary>Waits for the renewal that the clock's advance set off (it runs on the thread pool); bounded, so a missing one fails instead of hanging.</summary>
    private static async Task RenewedAsync(Container records, string before)
    {
        for (var attempt = 0; attempt < 500 && await ETagAsync(records) == before; attempt++)
        {
            await Task.Delay(10);
        }

        Assert.NotEqual(before, await ETagAsync(records));
    }

    private static ApiResponse Created(string who) => new(StatusCodes.Status201Created, Encoding.UTF8.GetBytes($"\"{who}\""), ApiResponse.Json);

    private static string Text(ApiResponse response) => Encoding.UTF8.GetString(response.Body).Trim('"');

    private static Task<(ApiResponse Response, bool Replayed)> RunAsync(IdempotencyStore store, Func<Task<ApiResponse>> run)
    {
        var request = new DefaultHttpContext().Request;
        request.Method = "POST";
        request.Path = "/api/v1/payments";
        return store.RunOnceAsync(Scope, Key, request, Encoding.UTF8.GetBytes("{\"amount\":1}"), run, CancellationToken.None);
    }
}
