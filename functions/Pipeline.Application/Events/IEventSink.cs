namespace Pipeline.Application.Events;

/// <summary>
/// What the relay hands each page of events to after the event log (webhook deliveries). Must be idempotent by event
/// id: a page whose cursor was not recorded is handed over again.
/// </summary>
public interface IEventSink
{
    Task AcceptAsync(IReadOnlyList<RelayedEvent> events, CancellationToken cancellationToken);
}
