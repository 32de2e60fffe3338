using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;

namespace Pipeline.Application.Events.Publishing;

/// <summary>
/// Publishes events to the Service Bus topic in order, as few batches as the batch size allows. A send is atomic per
/// batch and every message id is its event id, so sending a batch again — here after a transient failure, or when the
/// relay runs a page again after a throw — is dropped by the topic's duplicate detection rather than delivered twice.
/// </summary>
public sealed class ServiceBusEventPublisher(ServiceBusSender sender, TimeProvider time, ILogger<ServiceBusEventPublisher> logger) : IEventPublisher
{
    public async Task PublishAsync(IReadOnlyList<EventEnvelope> events, CancellationToken cancellationToken)
    {
        var next = 0;
        var retries = 0;
        while (next < events.Count)
        {
            try
            {
                // A batch is built afresh for every attempt: the same events, so the same message ids, and no reliance
                // on a batch's state after a failed send. Creating it can fail like a send: it opens the link first.
                using var batch = await sender.CreateMessageBatchAsync(cancellationToken);
                var end = Fill(batch, events, next);
                await sender.SendMessagesAsync(batch, cancellationToken);
                next = end;
                retries = 0;
            }
            catch (ServiceBusException failure) when (failure.IsTransient && retries < EventLimits.PublishBatchRetriesMax)
            {
                retries++;
                var delay = EventLimits.PublishBatchRetryDelay * retries;
                logger.LogWarning(failure, "Sending events from {FirstEventId} to Service Bus failed transiently ({Reason}); retry {Retry} of {RetriesMax} in {Delay}",
                    events[next].Id, failure.Reason, retries, EventLimits.PublishBatchRetriesMax, delay);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    /// <summary>Adds events from <paramref name="start"/> until one does not fit; returns the index after the last added.</summary>
    private static int Fill(ServiceBusMessageBatch batch, IReadOnlyList<EventEnvelope> events, int start)
    {
        var end = start;
        while (end < events.Count && batch.TryAddMessage(ServiceBusEventMessages.Of(events[end])))
        {
            end++;
        }

        // Envelopes are bounded far below a batch's size, so one that fills an empty batch is a defect, not a load.
        return end > start
            ? end
            : throw new InvalidOperationException($"Event {events[start].Id} does not fit in an empty Service Bus batch of {batch.MaxSizeInBytes} bytes.");
    }
}
