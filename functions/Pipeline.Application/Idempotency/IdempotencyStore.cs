using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;

namespace Pipeline.Application.Idempotency;

/// <summary>
/// Stripe-style idempotency: the first request with a key runs and its response is stored; the same key with the
/// same request (<see cref="RequestFingerprint"/>) replays that response; with a different request it is 422
/// idempotency_key_reused; while the first still runs, 409. Creating the record is the lock, held by a lease the
/// request renews while it runs, so concurrent duplicates run the handler once and a crashed request's key is free
/// again within seconds. A 5xx is not stored, so the client may retry the same request at once; the key stays bound
/// to that request. A refusal before any effect (<see cref="ApiResponse.BeforeAnyEffect"/>) is not stored either,
/// and a first attempt's frees the key altogether, for the corrected request.
/// </summary>
public sealed class IdempotencyStore(Database database, TimeProvider time, ILogger<IdempotencyStore> logger)
{
    public const string ContainerName = "idempotency";
    public const string PartitionKeyPath = "/scope";

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties() =>
        new(ContainerName, PartitionKeyPath) { DefaultTimeToLive = (int)ApiLimits.IdempotencyRetention.TotalSeconds };

    public async Task<(ApiResponse Response, bool Replayed)> RunOnceAsync(
        string scope, string key, HttpRequest request, byte[] body, Func<Task<ApiResponse>> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(run);
        if (key.Length > ApiLimits.IdempotencyKeyLengthMax)
        {
            return (ApiResponse.Invalid(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed,
                $"The Idempotency-Key header is limited to {ApiLimits.IdempotencyKeyLengthMax} characters."), false);
        }

        var record = new IdempotencyRecord
        {
            Id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))),
            Scope = scope,
            Fingerprint = RequestFingerprint.Of(request, body),
            CreatedMicros = CosmosTime.ToMicros(time.GetUtcNow()),
            LeaseUntilMicros = IdempotencyLease.Until(time),
            TimeToLive = (int)ApiLimits.IdempotencyRetention.TotalSeconds,
        };
        var (lease, answer) = await ClaimAsync(record, cancellationToken);
        if (lease is null)
        {
            return answer!.Value;
        }

        ApiResponse response;
        try
        {
            response = await lease.RunAsync(run);
        }
        catch
        {
            await ReleaseAsync(lease);
            throw;
        }

        await SettleAsync(lease, response);
        return (response, false);
    }

    /// <summary>Creates the record (the lock) and returns its lease, or answers from the one already there.</summary>
    private async Task<(IdempotencyLease? Lease, (ApiResponse, bool)? Answer)> ClaimAsync(IdempotencyRecord record, CancellationToken cancellationToken)
    {
        try
        {
            var created = await container.CreateItemAsync(record, new PartitionKey(record.Scope), NoContent.Item, cancellationToken);
            return (new IdempotencyLease(container, time, logger, record, created.ETag, first: true), null);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            var existing = await container.ReadOrNullAsync<IdempotencyRecord>(record.Id, record.Scope, cancellationToken);
            if (existing is not null && !existing.Completed && !existing.Released && CosmosTime.ToMicros(time.GetUtcNow()) > existing.LeaseUntilMicros)
            {
                // The lease looks lapsed on this instance's clock, which is not the holder's: watch the record for longer
                // than two renewal periods. A live holder renews (or finishes) meanwhile, however far the clocks are
                // apart and even if one renewal fails; only an unchanged record is a dead holder's.
                await Task.Delay(ApiLimits.IdempotencyLeaseConfirmation, time, cancellationToken);
                var watched = await container.ReadOrNullAsync<IdempotencyRecord>(record.Id, record.Scope, cancellationToken);
                if (watched?.ETag == existing.ETag && await TakeOverAsync(existing, record, cancellationToken) is { } taken)
                {
                    return (taken, null);
                }

                existing = watched?.ETag == existing.ETag ? null : watched;
            }

            return await AnswerFromAsync(existing, record, cancellationToken);
        }
    }

    /// <summary>
    /// The answer the record already there gives: another request's key (422), a finished request's answer (replayed),
    /// a key given back (taken over), or a request still running (409). Null — the record went between two calls (a
    /// refusal before any effect freed the key) — is "retry later" too.
    /// </summary>
    private async Task<(IdempotencyLease? Lease, (ApiResponse, bool)? Answer)> AnswerFromAsync(
        IdempotencyRecord? existing, IdempotencyRecord record, CancellationToken cancellationToken)
    {
        if (existing is not null && existing.Fingerprint != record.Fingerprint)
        {
            return (null, (ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, ErrorCodes.IdempotencyKeyReused,
                "This Idempotency-Key was used for a different request; use a new key."), false));
        }

        if (existing is { Completed: true })
        {
            return (null, (new ApiResponse(existing.Status, existing.Body ?? [], existing.ContentType ?? ApiResponse.Json), true));
        }

        if (existing is { Released: true } && await TakeOverAsync(existing, record, cancellationToken) is { } taken)
        {
            return (taken, null);
        }

        return (null, (ApiResponse.Problem(StatusCodes.Status409Conflict, ErrorCodes.IdempotencyKeyInProgress,
            "A request with this Idempotency-Key is still in progress; retry later."), false));
    }

    /// <summary>A request whose lease lapsed (or that gave the key back) is replaced by this one: one waiter wins the If-Match.</summary>
    private async Task<IdempotencyLease?> TakeOverAsync(IdempotencyRecord lapsed, IdempotencyRecord fresh, CancellationToken cancellationToken)
    {
        try
        {
            var taken = await container.ReplaceItemAsync(fresh, fresh.Id, new PartitionKey(fresh.Scope),
                new ItemRequestOptions { IfMatchEtag = lapsed.ETag, EnableContentResponseOnWrite = false }, cancellationToken);
            return new IdempotencyLease(container, time, logger, fresh, taken.ETag, first: false);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return null;
        }
    }

    /// <summary>
    /// Keeps the answer for replays (without any secret shown once), except: a 5xx gives the key back to the same
    /// request; a refusal before any effect frees the key for any request if this was its first attempt, and otherwise
    /// gives it back like a 5xx, because an earlier attempt's effect may stand under it.
    /// </summary>
    private Task SettleAsync(IdempotencyLease lease, ApiResponse response)
    {
        if (response.BeforeAnyEffect && lease.First)
        {
            return IfStillOursAsync(() => container.DeleteItemAsync<IdempotencyRecord>(lease.Record.Id, lease.Partition, new ItemRequestOptions { IfMatchEtag = lease.ETag }));
        }

        if (response.BeforeAnyEffect || response.Status >= StatusCodes.Status500InternalServerError)
        {
            return ReleaseAsync(lease);
        }

        var completed = lease.Record with { Completed = true, Status = response.Status, ContentType = response.ContentType, Body = response.ReplayBody };
        return IfStillOursAsync(() => container.ReplaceItemAsync(completed, completed.Id, lease.Partition, new ItemRequestOptions { IfMatchEtag = lease.ETag }));
    }

    /// <summary>
    /// Gives the key back for the same request to retry, unless another request has taken the lock over since (then
    /// it is theirs). The record stays, fingerprint and all: had it been deleted, a different request could take the
    /// key while the first one's effect (a charge whose answer was lost) still stands under it.
    /// </summary>
    private Task ReleaseAsync(IdempotencyLease lease) =>
        IfStillOursAsync(() => container.ReplaceItemAsync(lease.Record with { Released = true }, lease.Record.Id, lease.Partition,
            new ItemRequestOptions { IfMatchEtag = lease.ETag }));

    private static async Task IfStillOursAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            // Taken over by a request that presumed this one dead: its record stands.
        }
    }
}
