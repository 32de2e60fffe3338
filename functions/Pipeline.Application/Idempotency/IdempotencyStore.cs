using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Http;
using Pipeline.Application.Ledger.Cosmos;

namespace Pipeline.Application.Idempotency;

/// <summary>
/// Stripe-style idempotency: the first request with a key runs and its response is stored; the same key with the
/// same request replays that response; with a different request it is 422 idempotency_key_reused; while the first
/// still runs, 409. Creating the record is the lock, so concurrent duplicates run the handler once. A 5xx is not
/// stored, so the client may retry the same request with the same key at once; the key stays bound to that request.
/// </summary>
public sealed class IdempotencyStore(Database database, TimeProvider time)
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
            return (ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed,
                $"The Idempotency-Key header is limited to {ApiLimits.IdempotencyKeyLengthMax} characters."), false);
        }

        var record = new IdempotencyRecord
        {
            Id = Hash(Encoding.UTF8.GetBytes(key)),
            Scope = scope,
            Fingerprint = Hash([.. Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n"), .. body]),
            CreatedMicros = LedgerTime.ToMicros(time.GetUtcNow()),
            TimeToLive = (int)ApiLimits.IdempotencyRetention.TotalSeconds,
        };
        var (lockETag, answer) = await ClaimAsync(record, cancellationToken);
        if (lockETag is null)
        {
            return answer!.Value;
        }

        ApiResponse response;
        try
        {
            response = await run();
        }
        catch
        {
            await ReleaseAsync(record, lockETag, CancellationToken.None);
            throw;
        }

        if (response.Status >= StatusCodes.Status500InternalServerError)
        {
            await ReleaseAsync(record, lockETag, CancellationToken.None);
        }
        else
        {
            // If-Match our own lock: a request that took it over (we were presumed dead) keeps its record.
            var completed = record with { Completed = true, Status = response.Status, ContentType = response.ContentType, Body = response.Body };
            await IfStillOursAsync(() => container.ReplaceItemAsync(completed, record.Id, new PartitionKey(record.Scope),
                new ItemRequestOptions { IfMatchEtag = lockETag }, CancellationToken.None));
        }

        return (response, false);
    }

    /// <summary>Creates the record (the lock) and returns its ETag, or answers from the one already there.</summary>
    private async Task<(string? LockETag, (ApiResponse, bool)? Answer)> ClaimAsync(IdempotencyRecord record, CancellationToken cancellationToken)
    {
        try
        {
            return ((await container.CreateItemAsync(record, new PartitionKey(record.Scope), cancellationToken: cancellationToken)).ETag, null);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            var existing = (await container.ReadItemAsync<IdempotencyRecord>(record.Id, new PartitionKey(record.Scope), cancellationToken: cancellationToken)).Resource;
            if (existing.Fingerprint != record.Fingerprint)
            {
                return (null, (ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, ErrorCodes.IdempotencyKeyReused,
                    "This Idempotency-Key was used for a different request; use a new key."), false));
            }

            if (existing.Completed)
            {
                return (null, (new ApiResponse(existing.Status, existing.Body ?? [], existing.ContentType ?? ApiResponse.Json), true));
            }

            var stale = existing.Released || record.CreatedMicros - existing.CreatedMicros > (long)ApiLimits.IdempotencyLockTimeout.TotalMicroseconds;
            if (stale && await TakeOverAsync(existing, record, cancellationToken) is { } taken)
            {
                return (taken, null);
            }

            return (null, (ApiResponse.Problem(StatusCodes.Status409Conflict, ErrorCodes.IdempotencyKeyInProgress,
                "A request with this Idempotency-Key is still in progress; retry later."), false));
        }
    }

    /// <summary>A request that held the key longer than the lock timeout is presumed dead; one waiter takes its place (the new lock's ETag).</summary>
    private async Task<string?> TakeOverAsync(IdempotencyRecord stale, IdempotencyRecord fresh, CancellationToken cancellationToken)
    {
        try
        {
            return (await container.ReplaceItemAsync(fresh, fresh.Id, new PartitionKey(fresh.Scope), new ItemRequestOptions { IfMatchEtag = stale.ETag }, cancellationToken)).ETag;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return null;
        }
    }

    /// <summary>
    /// Gives the key back for the same request to retry, unless another request has taken the lock over since (then
    /// it is theirs). The record stays, fingerprint and all: had it been deleted, a different request could take the
    /// key while the first one's effect (a charge whose answer was lost) still stands under it.
    /// </summary>
    private Task ReleaseAsync(IdempotencyRecord record, string lockETag, CancellationToken cancellationToken) =>
        IfStillOursAsync(() => container.ReplaceItemAsync(record with { Released = true }, record.Id, new PartitionKey(record.Scope),
            new ItemRequestOptions { IfMatchEtag = lockETag }, cancellationToken));

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

    private static string Hash(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
