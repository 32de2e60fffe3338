using System.Text.Json.Serialization;

namespace Pipeline.Application.Idempotency;

/// <summary>
/// One Idempotency-Key of one caller (partition = the caller's scope, id = the key's hash): the fingerprint of
/// the first request, and once it finished, its response to replay. Cosmos DB deletes it after its TTL.
/// </summary>
internal sealed record IdempotencyRecord
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string Scope { get; init; }

    /// <summary>SHA-256 of method, path, query and canonical body (<see cref="RequestFingerprint"/>): the same key with anything else is a reuse.</summary>
    public required string Fingerprint { get; init; }

    public bool Completed { get; init; }

    /// <summary>
    /// The request ended without an answer worth keeping (a 5xx, an exception): the same request may run again at
    /// once, but the key stays bound to its fingerprint, so a different request with it is still a reuse.
    /// </summary>
    public bool Released { get; init; }
    public int Status { get; init; }
    public string? ContentType { get; init; }

    /// <summary>The response to replay, never with a secret shown once (<see cref="Http.ApiResponse.ReplayBody"/>).</summary>
    public byte[]? Body { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long CreatedMicros { get; init; }

    /// <summary>Until when the running request holds the key (it renews this while it runs); after it, the request is presumed dead.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long LeaseUntilMicros { get; init; }

    /// <summary>Seconds Cosmos DB keeps the record.</summary>
    [JsonPropertyName("ttl")]
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public int TimeToLive { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}
