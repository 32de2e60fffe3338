using System.Text.Json.Serialization;

namespace Pipeline.Application.Events;

/// <summary>
/// An event in the merchant's event log (<see cref="EventLog"/>): the envelope and its place in the log. Positions
/// are 1, 2, 3 … per merchant without gaps, in the order the relay appended them, so a reader that remembers the
/// last position it saw never misses an event appended later.
/// </summary>
public sealed record LoggedEvent
{
    /// <summary>The event's id: an event appended twice (a relay pass run again) is refused the second time.</summary>
    public required string Id { get; init; }

    public required string MerchantId { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public required long Position { get; init; }

    public required string Type { get; init; }
    public required EventEnvelope Envelope { get; init; }

    /// <summary>Seconds; Cosmos DB honours an item's ttl only as a number.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public int Ttl { get; init; } = (int)EventLimits.LogRetention.TotalSeconds;
}
