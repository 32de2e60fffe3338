using System.Text;
using System.Text.Json;

namespace Pipeline.Application.Events.Publishing;

/// <summary>
/// The local host's stand-in for the Service Bus topic (no Service Bus engine runs here): behind the same interface,
/// it keeps the last events published for a look (and the tests), optionally appends each as a JSON line to a file,
/// and drops an id it saw within the topic's duplicate-detection window, as the topic does — bounded to the last
/// <see cref="RememberedMax"/> ids, so a long local run stays small.
/// </summary>
public sealed class LocalEventLog(TimeProvider time, string? path = null) : IEventPublisher
{
    public const int RememberedMax = 100_000;
    public const int KeptMax = 10_000;

    private readonly Lock gate = new();
    private readonly SemaphoreSlim file = new(1, 1);
    private readonly Dictionary<string, DateTimeOffset> seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> seenInOrder = new();
    private readonly Queue<EventEnvelope> kept = new();

    /// <summary>Events dropped as duplicates so far.</summary>
    public int Duplicates { get; private set; }

    /// <summary>The events published, oldest first (the last <see cref="KeptMax"/>).</summary>
    public IReadOnlyList<EventEnvelope> Snapshot()
    {
        lock (gate)
        {
            return [.. kept];
        }
    }

    public async Task PublishAsync(IReadOnlyList<EventEnvelope> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var lines = new StringBuilder();
        lock (gate)
        {
            var now = time.GetUtcNow();
            Forget(now);
            foreach (var envelope in events)
            {
                if (!seen.TryAdd(envelope.Id, now))
                {
                    Duplicates++;
                    continue;
                }

                seenInOrder.Enqueue((envelope.Id, now));
                kept.Enqueue(envelope);
                if (kept.Count > KeptMax)
                {
                    kept.Dequeue();
                }

                if (path is not null)
                {
                    lines.Append(JsonSerializer.Serialize(envelope)).Append('\n');
                }
            }
        }

        if (path is not null && lines.Length > 0)
        {
            // Relays of several containers publish at once: one writer at a time keeps each line whole.
            await file.WaitAsync(cancellationToken);
            try
            {
                await File.AppendAllTextAsync(path, lines.ToString(), cancellationToken);
            }
            finally
            {
                file.Release();
            }
        }
    }

    private void Forget(DateTimeOffset now)
    {
        while (seenInOrder.TryPeek(out var oldest) && (seenInOrder.Count > RememberedMax || now - oldest.At > ServiceBusEntities.DuplicateDetectionWindow))
        {
            seenInOrder.Dequeue();
            seen.Remove(oldest.Id);
        }
    }
}
