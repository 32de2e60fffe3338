using System.Text.Json.Serialization;
using Pipeline.Application.Cosmos;

namespace Pipeline.Application.Devices;

/// <summary>
/// A device as stored: its owner and the names (never the values) of its secrets in the secret store — the current
/// one, and after a rotation the previous one with the end of its overlap — and the rule of rotating them.
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

    /// <summary>The current secret has signed a request since it was issued: the device has switched to it.</summary>
    public bool CurrentSecretConfirmed { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    public string CurrentSecretName => SecretName ?? DeviceStore.SecretName(Id);

    /// <summary>A rotation's overlap runs: the previous secret still signs.</summary>
    public bool InOverlap(long nowMicros) => PreviousSecretName is not null && nowMicros < PreviousSecretValidUntilMicros;

    /// <summary>
    /// The device with <paramref name="secretName"/> as its current secret. The secret the device is known to use keeps
    /// signing: normally that is the current one, which becomes the previous one for <see cref="DeviceLimits.SecretOverlap"/>
    /// (an older previous one ends at once). But while an overlap runs and the device has not yet signed with the
    /// current secret — its answer was lost, say — it is still on the previous one: the current one is replaced and
    /// the previous one keeps its deadline, so rotating again never locks the device out. With
    /// <paramref name="revokePrevious"/> (a leaked secret) no other secret signs from now on.
    /// </summary>
    public DeviceDocument Rotated(string secretName, long nowMicros, bool revokePrevious)
    {
        var rotated = this with { SecretName = secretName, CurrentSecretConfirmed = false, ETag = null };
        if (revokePrevious)
        {
            return rotated with { PreviousSecretName = null, PreviousSecretValidUntilMicros = 0 };
        }

        return InOverlap(nowMicros) && !CurrentSecretConfirmed
            ? rotated
            : rotated with { PreviousSecretName = CurrentSecretName, PreviousSecretValidUntilMicros = nowMicros + (long)DeviceLimits.SecretOverlap.TotalMicroseconds };
    }

    public DeviceView ToView() => new(Id, Kind, ExternalId, new DateTimeOffset(CosmosTime.ToTicks(CreatedMicros), TimeSpan.Zero));
}
