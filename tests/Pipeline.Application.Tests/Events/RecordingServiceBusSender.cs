using Azure.Messaging.ServiceBus;

namespace Pipeline.Application.Tests.Events;

/// <summary>
/// A Service Bus sender through the SDK's own test seams (the constructor for mocking, the virtual batch and send
/// methods, <see cref="ServiceBusModelFactory.ServiceBusMessageBatch"/>): there is no Service Bus emulator to run here.
/// It records every send attempt with the messages of its batch and the clock's time, and fails the attempts it is
/// told to fail.
/// </summary>
public sealed class RecordingServiceBusSender(TimeProvider clock, Func<int, bool> fitsInBatchHolding) : ServiceBusSender
{
    /// <summary>
    /// A Standard namespace's batch limit, what a real sender's batch reports as its maximum. The model factory's
    /// batch takes its maximum from the options only (unlimited without one), and what fits is decided by
    /// <c>fitsInBatchHolding</c> from the messages already in the batch.
    /// </summary>
    private const long MaxSizeBytes = 256 * 1024;

    // A batch's messages are readable only through the list it was made with; keyed by the batch object itself.
    private readonly Dictionary<ServiceBusMessageBatch, List<ServiceBusMessage>> batches = new(ReferenceEqualityComparer.Instance);

    /// <summary>A sender whose batches take any number of messages.</summary>
    public RecordingServiceBusSender(TimeProvider clock)
        : this(clock, _ => true)
    {
    }

    /// <summary>What the next send attempts do, in order: throw the failure, or succeed (null); once empty, every attempt succeeds.</summary>
    public Queue<Exception?> Outcomes { get; } = new();

    /// <summary>Failures the next batch creations throw, in order (a real sender opens its link there).</summary>
    public Queue<Exception> CreationFailures { get; } = new();

    public List<(DateTimeOffset At, IReadOnlyList<ServiceBusMessage> Messages)> Attempts { get; } = [];

    /// <summary>Messages of the attempts that succeeded, in the order they were sent.</summary>
    public List<ServiceBusMessage> Delivered { get; } = [];

    public int BatchesCreated => batches.Count;

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CancellationToken cancellationToken = default) =>
        CreateMessageBatchAsync(new CreateMessageBatchOptions(), cancellationToken);

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CreateMessageBatchOptions options, CancellationToken cancellationToken = default)
    {
        if (CreationFailures.TryDequeue(out var failure))
        {
            return ValueTask.FromException<ServiceBusMessageBatch>(failure);
        }

        var messages = new List<ServiceBusMessage>();
        var batch = ServiceBusModelFactory.ServiceBusMessageBatch(
            batchSizeBytes: 0, messages, new CreateMessageBatchOptions { MaxSizeInBytes = options.MaxSizeInBytes ?? MaxSizeBytes }, _ => fitsInBatchHolding(messages.Count));
        batches.Add(batch, messages);
        return ValueTask.FromResult(batch);
    }

    public override Task SendMessagesAsync(ServiceBusMessageBatch messageBatch, CancellationToken cancellationToken = default)
    {
        var messages = batches[messageBatch].ToList();
        Attempts.Add((clock.GetUtcNow(), messages));
        if (Outcomes.TryDequeue(out var failure) && failure is not null)
        {
            return Task.FromException(failure);
        }

        Delivered.AddRange(messages);
        return Task.CompletedTask;
    }
}
