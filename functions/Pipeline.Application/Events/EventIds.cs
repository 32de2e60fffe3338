using Pipeline.Application.Http;

namespace Pipeline.Application.Events;

/// <summary>
/// Event ids: "evt_" and 96 bits derived from the resource, its change number and the change's time — the same
/// event written again (recovery storing a payment from its memo) has the same id, and a change number counted again
/// from an earlier point (a counter lost and rebuilt from events that had expired) never repeats an id.
/// </summary>
public static class EventIds
{
    public const string Prefix = "evt_";

    public static string Of(string source, long sequence, long timeMicros) => ResourceIds.Derived(Prefix, $"event\n{source}\n{sequence}\n{timeMicros}");

    /// <summary>Whether the text has the shape of an event id (so a malformed one is answered 404 without a read).</summary>
    public static bool IsValid(string id) => ResourceIds.IsValid(id, Prefix);
}
