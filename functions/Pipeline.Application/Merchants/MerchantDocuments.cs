using System.Text.Json.Serialization;

namespace Pipeline.Application.Merchants;

/// <summary>A merchant (container "merchants", partition = id). Its API keys are kept only as hashes, at most two active.</summary>
internal sealed record MerchantDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string Name { get; init; }
    public required string[] ApiKeyHashes { get; init; }
    public Pricing? Pricing { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long CreatedMicros { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>The index from an API key's hash to its merchant (container "api-keys", partition = the hash): one point read per request.</summary>
internal sealed record ApiKeyDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string MerchantId { get; init; }
}

/// <summary>What the platform charges a merchant per payment: a percentage in basis points plus a fixed amount.</summary>
public sealed record Pricing(int PercentBps, long FixedMinor, string Currency);
