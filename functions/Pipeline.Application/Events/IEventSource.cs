using System.Text.Json;

namespace Pipeline.Application.Events;

/// <summary>A container whose change feed carries events: what the relay reads, and how it finds the events in a document.</summary>
public interface IEventSource
{
    string ContainerName { get; }

    /// <summary>The events a document of the container stands for (none for most: the resources beside them).</summary>
    IEnumerable<RelayedEvent> EventsOf(JsonElement document);
}
