using System.Text.Json.Serialization;
using Pipeline.Application.Ledger.Cosmos;

namespace Pipeline.Application.Devices;

/// <summary>
/// A device as stored: its owner and the names (never the values) of its secrets in the secret store — the current
/// one, and after a rotation the previous one with the end of its overlap.
/// </summary>
internal sealed record DeviceDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string MerchantId { get; init; }
    public DeviceKind Kind { get; init; }
    public required string ExternalId { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long CreatedMicros { get; init; }

    /// <summary>The current secret's name; null until the first rotation, when it is the name registration used.</summary>
    public string? SecretName { get; init; }

    public string? PreviousSecretName { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long PreviousSecretValidUntilMicros { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    public string CurrentSecretName => SecretName ?? DeviceStore.SecretName(Id);

    /// <summary>The names of the secrets that sign for the device at <paramref name="nowMicros"/>: the current one, and the previous one within its overlap.</summary>
    public IReadOnlyList<string> SecretNamesValidAt(long nowMicros) =>
        PreviousSecretName is { } previous && nowMicros < PreviousSecretValidUntilMicros ? [CurrentSecretName, previous] : [CurrentSecretName];

    public DeviceView ToView() => new(Id, Kind, ExternalId, new DateTimeOffset(LedgerTime.ToTicks(CreatedMicros), TimeSpan.Zero));
}
