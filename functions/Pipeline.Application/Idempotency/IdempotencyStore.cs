using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
using Pipeline.Application.Ledger.Cosmos;

namespace Pipeline.Application.Idempotency;

/// <summary>
/// Stripe-style idempotency: the first request with a key runs and its response is stored; the same key with the
/// same request replays that response; with a different request it is 422 idempotency_key_reused; while the first
/// still runs, 409. Creating the record is the lock, so concurrent duplicates run the handler once. A 5xx is not
/// stored, so the client may retry with the same key.
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
        var (claimed, answer) = await ClaimAsync(record, cancellationToken);
        if (!claimed)
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
            await ReleaseAsync(record, CancellationToken.None);
            throw;
        }

        if (response.Status >= StatusCodes.Status500InternalServerError)
        {
            await ReleaseAsync(record, CancellationToken.None);
        }
        else
        {
            var completed = record with { Completed = true, Status = response.Status, ContentType = response.ContentType, Body = response.Body };
            await container.UpsertItemAsync(completed, new PartitionKey(record.Scope), cancellationToken: CancellationToken.None);
        }

        return (response, false);
    }

    /// <summary>Creates the record (the lock), or answers from the one already there.</summary>
    private async Task<(bool Claimed, (ApiResponse, bool)? Answer)> ClaimAsync(IdempotencyRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await container.CreateItemAsync(record, new PartitionKey(record.Scope), cancellationToken: cancellationToken);
            return (true, null);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            var existing = (await container.ReadItemAsync<IdempotencyRecord>(record.Id, new PartitionKey(record.Scope), cancellationToken: cancellationToken)).Resource;
            if (existing.Fingerprint != record.Fingerprint)
            {
                return (false, (ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, ErrorCodes.IdempotencyKeyReused,
                    "This Idempotency-Key was used for a different request; use a new key."), false));
            }

            if (existing.Completed)
            {
                return (false, (new ApiResponse(existing.Status, existing.Body ?? [], existing.ContentType ?? ApiResponse.Json), true));
            }

            var stale = record.CreatedMicros - existing.CreatedMicros > (long)ApiLimits.IdempotencyLockTimeout.TotalMicroseconds;
            if (stale && await TakeOverAsync(existing, record, cancellationToken))
            {
                return (true, null);
            }

            return (false, (ApiResponse.Problem(StatusCodes.Status409Conflict, ErrorCodes.IdempotencyKeyInProgress,
                "A request with this Idempotency-Key is still in progress; retry later."), false));
        }
    }

    /// <summary>A request that held the key longer than the lock timeout is presumed dead; one waiter takes its place.</summary>
    private async Task<bool> TakeOverAsync(IdempotencyRecord stale, IdempotencyRecord fresh, CancellationToken cancellationToken)
    {
        try
        {
            await container.ReplaceItemAsync(fresh, fresh.Id, new PartitionKey(fresh.Scope), new ItemRequestOptions { IfMatchEtag = stale.ETag }, cancellationToken);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }

    private Task ReleaseAsync(IdempotencyRecord record, CancellationToken cancellationToken) =>
        container.DeleteIfExistsAsync<IdempotencyRecord>(record.Id, record.Scope, cancellationToken);

    private static string Hash(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
