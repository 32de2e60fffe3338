using System.Text.Json.Serialization;

namespace Pipeline.Application.Events;

/// <summary>
/// The last position given out in a merchant's event log. Every append replaces it If-Match in the batch that creates
/// the events, so two relays appending to one merchant at once never give out one position twice or leave a gap.
/// Never expires (the log's events do).
/// </summary>
public sealed record EventLogHead
{
    public const string DocumentId = "head";

    public string Id { get; init; } = DocumentId;
    public required string MerchantId { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public required long Last { get; init; }

    /// <summary>
    /// How many events of each type were appended through <see cref="Last"/>, expired ones included: a reader that
    /// must miss none (settlement) tells events that expired unread from a gap of events it does not read. Null on a
    /// head written before it was kept (then never known for that merchant).
    /// </summary>
    public IReadOnlyDictionary<string, long>? Counts { get; init; }

    /// <summary>Events of these types appended through <see cref="Last"/>, or null when not known.</summary>
    public long? CountOf(IEnumerable<string> types) => Counts is { } counts ? types.Sum(t => counts.GetValueOrDefault(t)) : null;

    public string? ETag { get; init; }
}
