using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Application.Cosmos;

namespace Pipeline.Application.Events;

/// <summary>
/// An event as receivers get it: a CloudEvents 1.0 JSON envelope with the resource's change number as the
/// <c>sequence</c> extension (a zero-padded decimal string, so it sorts as text). docs/EVENTS.md.
/// </summary>
public sealed record EventEnvelope(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("sequence")] string Sequence,
    [property: JsonPropertyName("data")] JsonElement Data)
{
    /// <summary>
    /// The <c>transferid</c> extension attribute, on a wallet's balance change: the ledger transfer that made it
    /// (<c>GET /ledger/transfers/{id}</c>), so a receiver can match the change to the payment or top-up behind it.
    /// </summary>
    [JsonPropertyName("transferid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TransferId { get; init; }

    /// <summary>
    /// The envelope of change <paramref name="sequence"/> of a resource. Its id is derived from the resource and the
    /// sequence, so the same change written again (by recovery) is the same event.
    /// </summary>
    public static EventEnvelope Of(string type, string source, string subject, long sequence, long timeMicros, JsonElement data)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        var time = new DateTimeOffset(CosmosTime.ToTicks(timeMicros), TimeSpan.Zero);
        return new("1.0", EventIds.Of(source, sequence, timeMicros), source, type, subject, time, "application/json",
            sequence.ToString("D19", System.Globalization.CultureInfo.InvariantCulture), data);
    }
}
