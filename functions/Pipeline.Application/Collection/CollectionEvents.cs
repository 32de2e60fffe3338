namespace Pipeline.Application.Collection;

/// <summary>The collection events (docs/EVENTS.md), each written in the same batch as its change.</summary>
public static class CollectionEvents
{
    public const string Created = "collection.created";
    public const string Canceled = "collection.canceled";
    public const string Reminder = "collection.reminder";
    public const string Expired = "collection.expired";

    public static IReadOnlyList<string> Types { get; } = [Created, Canceled, Reminder, Expired];
}
