using System.Text.Json.Serialization;

namespace Pipeline.Application.Events;

/// <summary>
/// An event in the outbox: a document beside the resource it describes (same container, same partition), created
/// in the same transactional batch as the change, so neither exists without the other. Never replaced: the
/// dispatcher reads each once from the change feed. It expires after <see cref="EventLimits.OutboxRetention"/>
/// (the container's default TTL is -1: only documents that carry a ttl expire).
/// </summary>
public sealed record OutboxDocument
{
    /// <summary>What tells an event from the resources in the same container (theirs have no <c>docType</c>).</summary>
    public const string EventDocType = "event";

    public required string Id { get; init; }

    /// <summary>The partition: the merchant whose resource changed.</summary>
    public required string MerchantId { get; init; }

    public string DocType { get; init; } = EventDocType;
    public required string Type { get; init; }
    public required string Subject { get; init; }
    /// <summary>A number in the database (not the store's usual string), so events sort and compare by it.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public required long Sequence { get; init; }

    public required long TimeMicros { get; init; }
    public required EventEnvelope Envelope { get; init; }

    /// <summary>Seconds; Cosmos DB honours an item's ttl only as a number.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public int Ttl { get; init; } = (int)EventLimits.OutboxRetention.TotalSeconds;

    public static OutboxDocument Of(string merchantId, EventEnvelope envelope, long timeMicros) => new()
    {
        Id = envelope.Id,
        MerchantId = merchantId,
        Type = envelope.Type,
        Subject = envelope.Subject,
        Sequence = long.Parse(envelope.Sequence, System.Globalization.CultureInfo.InvariantCulture),
        TimeMicros = timeMicros,
        Envelope = envelope,
    };
}
