using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Http;
using Pipeline.Application.Idempotency;
using Pipeline.Application.Tests.Ledger;

namespace Pipeline.Application.Tests.Idempotency;

/// <summary>Finding of the review of the "Second review fixes" commit on the idempotency lease's takeover.</summary>
[Collection(CosmosCollection.Name)]
public sealed class SecondReviewLeaseFindingsTests(CosmosFixture cosmos)
{
    private const string Scope = "merchant:mer_review2";
    private const string Key = "order-renewal-fails";
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The takeover watches a lapsed-looking record and takes it over only if it did not change. When a renewal inside
    /// that window fails (a transient Cosmos error, which <see cref="IdempotencyLease"/> logs and tolerates: "the lease
    /// still runs for a while"), a window of one renewal period saw no change and took a live, running request over (its
    /// handler ran twice at once); the window now spans more than two renewal periods. Here the taker's clock is 9.5 s
    /// ahead; the holder renewed at 2 s, the taker starts watching at 2.6 s (12.1 s on its clock, past the lease's 12 s),
    /// the renewal at 4 s fails and the one at 6 s goes through, before the watch ends.
    /// </summary>
    [Fact]
    public async Task One_failed_renewal_does_not_let_a_running_request_be_taken_over()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var clock = new FakeTimeProvider(Start);
        var failing = new FailNextHandler(r => r.Method == HttpMethod.Put
            && r.RequestUri.OriginalString.Contains($"/colls/{IdempotencyStore.ContainerName}/docs/", StringComparison.Ordinal));
        var holder = Store(CosmosInterception.Through(cosmos, database, failing), clock);
        var takerClock = new WatchedClock(clock, TimeSpan.FromMilliseconds(9_500));
        var taker = Store(database, takerClock);
        var started = new TaskCompletionSource();
        var hanging = new TaskCompletionSource<ApiResponse>();
        var running = RunAsync(holder, () => { started.SetResult(); return hanging.Task; });
        await started.Task;

        var records = database.GetContainer(IdempotencyStore.ContainerName);
        var before = await ETagAsync(records);
        clock.Advance(ApiLimits.IdempotencyLeaseRenewal); // 2 s: the holder renews, its lease ends at 12 s on its clock
        await RenewedAsync(records, before);
        failing.Arm(); // its next renewal meets a transient error
        clock.Advance(TimeSpan.FromMilliseconds(600)); // 2.6 s: 12.1 s on the taker's clock

        var runs = 0;
        var duplicate = RunAsync(taker, () => { Interlocked.Increment(ref runs); return Task.FromResult(Created("duplicate")); });
        await takerClock.Watching; // the taker found the lease lapsed and watches the record
        clock.Advance(TimeSpan.FromMilliseconds(1_500)); // 4.1 s: the holder's renewal at 4 s fails
        await failing.Hit;
        var unchanged = await ETagAsync(records);
        clock.Advance(ApiLimits.IdempotencyLeaseRenewal); // 6.1 s: the renewal at 6 s goes through
        await RenewedAsync(records, unchanged);
        clock.Advance(ApiLimits.IdempotencyLeaseConfirmation); // the taker's watch ends
        var answer = await duplicate.WaitAsync(TimeSpan.FromSeconds(30));
        hanging.SetResult(Created("holder"));
        await running;

        Assert.Equal((409, 0), (answer.Response.Status, runs));
    }

    /// <summary>
    /// A request that finds a lapsed-looking lease watches the record and, if it changed, answered 409
    /// idempotency_key_in_progress — even when the change was the holder finishing: the answer is stored, and the contract
    /// (PAYMENTS.md, "What a retry after a crash meets") replays it. The retry is told to come back for an answer it could have had.
    /// </summary>
    [Fact]
    public async Task A_request_that_finished_while_its_lease_was_watched_is_replayed()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var clock = new FakeTimeProvider(Start);
        var takerClock = new WatchedClock(clock, TimeSpan.FromMilliseconds(9_500));
        var started = new TaskCompletionSource();
        var hanging = new TaskCompletionSource<ApiResponse>();
        var running = RunAsync(Store(database, clock), () => { started.SetResult(); return hanging.Task; });
        await started.Task;

        var records = database.GetContainer(IdempotencyStore.ContainerName);
        var before = await ETagAsync(records);
        clock.Advance(ApiLimits.IdempotencyLeaseRenewal);
        await RenewedAsync(records, before);
        clock.Advance(TimeSpan.FromMilliseconds(600)); // 13.1 s on the taker's clock: the lease looks lapsed

        var retry = RunAsync(Store(database, takerClock), () => Task.FromResult(Created("duplicate")));
        await takerClock.Watching;
        hanging.SetResult(Created("holder")); // the holder finishes; its answer is stored
        await running;
        clock.Advance(ApiLimits.IdempotencyLeaseConfirmation);
        var answer = await retry.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((201, true), (answer.Response.Status, answer.Replayed));
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

    /// <summary>A clock <paramref name="skew"/> ahead of the shared one that tells when a request starts watching a lapsed lease.</summary>
    private sealed class WatchedClock(TimeProvider shared, TimeSpan skew) : TimeProvider
    {
        private readonly TaskCompletionSource watching = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Watching => watching.Task.WaitAsync(TimeSpan.FromSeconds(30));

        public override DateTimeOffset GetUtcNow() => shared.GetUtcNow() + skew;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = shared.CreateTimer(callback, state, dueTime, period);
            if (dueTime == ApiLimits.IdempotencyLeaseConfirmation)
            {
                watching.TrySetResult();
            }

            return timer;
        }
    }

    /// <summary>Once armed, answers the next matching request with a 500 (a transient Cosmos error) without sending it.</summary>
    private sealed class FailNextHandler(Func<RequestMessage, bool> matches) : RequestHandler
    {
        private readonly TaskCompletionSource hit = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int armed;

        public Task Hit => hit.Task.WaitAsync(TimeSpan.FromSeconds(30));

        public void Arm() => Interlocked.Exchange(ref armed, 1);

        public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
        {
            if (matches(request) && Interlocked.Exchange(ref armed, 0) == 1)
            {
                hit.TrySetResult();
                return Task.FromResult(new ResponseMessage(HttpStatusCode.InternalServerError, request, "injected"));
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
