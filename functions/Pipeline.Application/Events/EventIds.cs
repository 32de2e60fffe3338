using Pipeline.Application.Http;

namespace Pipeline.Application.Events;

/// <summary>Event ids: "evt_" and 96 bits derived from the resource and its change number.</summary>
public static class EventIds
{
    public const string Prefix = "evt_";

    public static string Of(string source, long sequence) => ResourceIds.Derived(Prefix, $"event\n{source}\n{sequence}");
}
