using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;

namespace Pipeline.Application.Events;

/// <summary>
/// How far the relay has read one container's change feed: the continuation after the last page whose events reached
/// every sink. One document per source container; replaced If-Match, so of two relays reading one feed (an activity
/// run twice) only one moves on and the other stops.
/// </summary>
public sealed record RelayCursor
{
    public const string ContainerName = "event-cursors";

    /// <summary>The source container's name.</summary>
    public required string Id { get; init; }

    public required string Continuation { get; init; }

    /// <summary>When the relay last moved on: how far behind it is (docs/OPERATIONS.md alerts on it).</summary>
    public required long UpdatedMicros { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long EventsRelayed { get; init; }

    public string? ETag { get; init; }

    public static ContainerProperties ContainerProperties() => new(ContainerName, "/id");
}
