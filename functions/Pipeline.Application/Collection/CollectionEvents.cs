using Pipeline.Domain.Collection;

namespace Pipeline.Application.Collection;

/// <summary>The collection events (docs/EVENTS.md), each written in the same batch as its change.</summary>
public static class CollectionEvents
{
    public const string Created = "collection.created";
    public const string Canceled = "collection.canceled";
    public const string Reminder = "collection.reminder";
    public const string Expired = "collection.expired";
    public const string PartiallyPaid = "collection.partially_paid";
    public const string Paid = "collection.paid";
    public const string Overpaid = "collection.overpaid";

    public static IReadOnlyList<string> Types { get; } = [Created, Canceled, Reminder, Expired, PartiallyPaid, Paid, Overpaid];

    /// <summary>The event of a credit that left the collection in <paramref name="status"/>.</summary>
    public static string OfStatus(CollectionStatus status) => status switch
    {
        CollectionStatus.PartiallyPaid => PartiallyPaid,
        CollectionStatus.Paid => Paid,
        CollectionStatus.Overpaid => Overpaid,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A credit leaves a collection partially paid, paid or overpaid."),
    };
}
