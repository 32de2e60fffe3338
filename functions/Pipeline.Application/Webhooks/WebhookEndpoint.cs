using System.Text.Json.Serialization;
using Pipeline.Application.Cosmos;

namespace Pipeline.Application.Webhooks;

public enum WebhookEndpointStatus
{
    Enabled,
    Disabled,
}

/// <summary>
/// A webhook endpoint as stored (container <see cref="WebhookEndpointStore.ContainerName"/>, the merchant's partition,
/// beside its events): where events go, which ones, and the names — never the values — of its signing secrets in the
/// secret store: the current one, and after a rotation the previous one until its overlap ends.
/// </summary>
public sealed record WebhookEndpoint
{
    /// <summary>Subscribes to every event type.</summary>
    public const string AllEvents = "*";

    public required string Id { get; init; }
    public required string MerchantId { get; init; }
    public required string Url { get; init; }
    public required IReadOnlyList<string> Events { get; init; }
    public string? Description { get; init; }
    public WebhookEndpointStatus Status { get; init; }

    /// <summary>Why it is disabled: "requested" (the merchant) or "failing" (every delivery failed for 3 days).</summary>
    public string? DisabledReason { get; init; }

    public required string SecretName { get; init; }
    public string? PreviousSecretName { get; init; }

    /// <summary>When the secret was last rotated (0: never — the secret is still the one its creation answered).</summary>
    public long SecretRotatedMicros { get; init; }

    public long PreviousSecretValidUntilMicros { get; init; }
    public long CreatedMicros { get; init; }
    public long UpdatedMicros { get; init; }

    /// <summary>The last event this endpoint emitted about itself (webhook_endpoint.*).</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long EventSequence { get; init; }

    /// <summary>When a delivery to it last succeeded (0: never).</summary>
    public long LastSuccessMicros { get; init; }

    /// <summary>Since when every delivery has failed (0: the last one succeeded, or none was made).</summary>
    public long FailingSinceMicros { get; init; }

    public string? ETag { get; init; }

    public bool Wants(string type) => Status == WebhookEndpointStatus.Enabled && (Events.Contains(AllEvents) || Events.Contains(type));

    /// <summary>The names of the secrets that sign now: the current one, and the previous one during its overlap.</summary>
    public IReadOnlyList<string> SigningSecretNames(long nowMicros) =>
        PreviousSecretName is not null && nowMicros < PreviousSecretValidUntilMicros ? [SecretName, PreviousSecretName] : [SecretName];

    public WebhookEndpointView ToView() => new(
        Id, Url, Events, Description, Status, DisabledReason,
        At(CreatedMicros), At(UpdatedMicros),
        PreviousSecretName is null ? null : At(PreviousSecretValidUntilMicros));

    private static DateTimeOffset At(long micros) => new(CosmosTime.ToTicks(micros), TimeSpan.Zero);
}

/// <summary>An endpoint as the API shows it (never a secret).</summary>
/// <param name="PreviousSecretValidUntil">After a rotation: until when the previous secret also signs.</param>
public sealed record WebhookEndpointView(
    string Id, string Url, IReadOnlyList<string> Events, string? Description, WebhookEndpointStatus Status, string? DisabledReason,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PreviousSecretValidUntil);
