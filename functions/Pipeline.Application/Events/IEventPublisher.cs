namespace Pipeline.Application.Events;

/// <summary>
/// Where the relay hands every event after the platform's own event log: the Service Bus topic on Azure, the local
/// event log on one machine. Publishing is idempotent by event id (Service Bus duplicate detection), because the relay
/// publishes a page again when it did not get to record that it had.
/// </summary>
public interface IEventPublisher
{
    /// <summary>Publishes every event, in order, or throws: the relay then keeps its place and runs the page again.</summary>
    Task PublishAsync(IReadOnlyList<EventEnvelope> events, CancellationToken cancellationToken);
}
