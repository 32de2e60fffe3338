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

    public string? ETag { get; init; }
}
