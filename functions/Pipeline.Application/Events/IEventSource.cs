using System.Text.Json;

namespace Pipeline.Application.Events;

/// <summary>A container whose change feed carries events: what the relay reads, and how it finds the events in a document.</summary>
public interface IEventSource
{
    string ContainerName { get; }

    /// <summary>
    /// The events a page of the container's change feed stands for, in the page's order (none for most documents: the
    /// resources beside them). Called again with the same page when a pass dies before its cursor moves: the same events.
    /// The documents live as long as the call: an event keeps what it needs as its own copy, never an element of the page.
    /// </summary>
    ValueTask<IReadOnlyList<RelayedEvent>> EventsOfAsync(IReadOnlyList<JsonElement> page, CancellationToken cancellationToken);
}
