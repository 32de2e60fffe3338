using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;

namespace Pipeline.Application.Events;

/// <summary>What one relay pass did: events handed on, and whether another relay took over the feed.</summary>
public sealed record RelayPassResult(int Events, bool Superseded);

/// <summary>
/// The dispatcher (docs/EVENTS.md, docs/ARCHITECTURE.md "Events"): reads a source container's change feed page by
/// page from its cursor, appends each page's events to the event log, hands them on to the sinks (webhook deliveries)
/// and then the publisher (Service Bus) — a few pages at once — and records the cursor past a page only once it and
/// every page before it were handed on. A pass killed anywhere before that record is run again from the old cursor:
/// every hand-over is idempotent by event id, so nothing is lost and nothing is logged twice.
/// Outbox documents are created once and never replaced, so the latest-version feed shows each exactly once.
/// </summary>
/// <param name="lifetime">The host's: a pass ends between two pages when the host stops (a pass is up to 8 s).</param>
public sealed class EventRelay(
    Database database, EventLog log, IEnumerable<IEventSink> sinks, IEventPublisher publisher, IEnumerable<IEventSource> sources,
    TimeProvider time, ILogger<EventRelay> logger, IHostApplicationLifetime? lifetime = null)
{
    private readonly Container cursors = database.GetContainer(RelayCursor.ContainerName);
    private readonly IReadOnlyList<IEventSink> sinks = [.. sinks];

    /// <summary>Documents per change-feed page (smaller in tests, to make many pages).</summary>
    public int PageSize { get; init; } = EventLimits.RelayPageSize;

    /// <summary>The source containers, one relay each.</summary>
    public IReadOnlyList<string> Containers { get; } = [.. sources.Select(s => s.ContainerName)];

    /// <summary>
    /// Relays for <paramref name="linger"/> (polling every <see cref="EventLimits.RelayPollInterval"/> when caught up, so a
    /// running relay hands on an event within about that), ending after the page under way when the time is up; with a
    /// linger of zero, until the feed is caught up.
    /// </summary>
    public async Task<RelayPassResult> RunPassAsync(string containerName, TimeSpan linger, CancellationToken cancellationToken)
    {
        var source = sources.SingleOrDefault(s => s.ContainerName == containerName)
            ?? throw new ArgumentException($"No event source reads the container {containerName}.", nameof(containerName));
        var cursor = await cursors.ReadOrNullAsync<RelayCursor>(containerName, containerName, cancellationToken);
        // No cursor yet: from the beginning (documents written before events existed carry none, and are skipped).
        var start = cursor is null ? ChangeFeedStartFrom.Beginning() : ChangeFeedStartFrom.ContinuationToken(cursor.Continuation);
        // As a stream, parsed once: the typed iterator would parse each page, then write and parse every document again
        // one by one, and most documents of a feed (the ledger's totals and entries) stand for no event at all.
        using var feed = database.GetContainer(containerName).GetChangeFeedStreamIterator(
            start, ChangeFeedMode.LatestVersion, new ChangeFeedRequestOptions { PageSizeHint = PageSize });
        var clock = Stopwatch.StartNew();
        var relayed = 0;
        // Pages whose sinks still work, oldest first: the cursor moves past each only once it and all before it are done.
        var handing = new Queue<HandingOn>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime?.ApplicationStopping ?? CancellationToken.None);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await feed.ReadNextAsync(stop.Token);
                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    // Caught up: what was handed on meanwhile is recorded now, not after the linger (a crash would hand it on again).
                    (cursor, var caughtUp, var supersededIdle) = await RecordDoneAsync(cursor, containerName, handing, int.MaxValue, stop.Token);
                    relayed += caughtUp;
                    if (supersededIdle)
                    {
                        return await SupersededAsync(containerName, relayed, handing);
                    }

                    if (clock.Elapsed >= linger)
                    {
                        break;
                    }

                    await Task.Delay(EventLimits.RelayPollInterval, stop.Token);
                    continue;
                }

                response.EnsureSuccessStatusCode();
                using var page = await JsonDocument.ParseAsync(response.Content, cancellationToken: stop.Token);
                var documents = page.RootElement.GetProperty("Documents").EnumerateArray().ToList();
                var events = await source.EventsOfAsync(documents, stop.Token);
                // The log in the feed's order, page after page: it gives out the merchants' positions.
                await log.AppendAsync(events, stop.Token);
                handing.Enqueue(new HandingOn(HandOnAsync(events, stop.Token), response.ContinuationToken, events.Count));
                (cursor, var moved, var superseded) = await RecordDoneAsync(cursor, containerName, handing, EventLimits.RelayPagesHandedOnMax - 1, stop.Token);
                relayed += moved;
                if (superseded)
                {
                    return await SupersededAsync(containerName, relayed, handing);
                }

                if (linger > TimeSpan.Zero && clock.Elapsed >= linger)
                {
                    // Under steady writes the feed is never caught up: the pass still ends on time (found in review).
                    break;
                }

                if (documents.Count < PageSize && linger > TimeSpan.Zero)
                {
                    // A page that was not full: let the next one fill up. Each page costs a feed read, a log batch, the sinks' calls and
                    // a cursor write whatever its size; read back to back under load, pages of a few documents cost the
                    // payments path a third of its rate (measured); this pause costs an event at most one poll interval.
                    await Task.Delay(EventLimits.RelayPollInterval, stop.Token);
                }
            }

            (_, var last, var supersededAtEnd) = await RecordDoneAsync(cursor, containerName, handing, 0, stop.Token);
            relayed += last;
            if (supersededAtEnd)
            {
                return await SupersededAsync(containerName, relayed, handing);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: the pages under way were not recorded, so the next pass hands them over again.
        }
        finally
        {
            // However the pass ends, no page is left being handed on behind it (a failed one fails the pass, and is
            // handed on again from the cursor with those after it).
            await SettledAsync(handing);
        }

        return new RelayPassResult(relayed, false);
    }

    /// <summary>A page being handed on: its sinks' and publisher's work, and the cursor after it.</summary>
    private sealed record HandingOn(Task Work, string Continuation, int Events);

    /// <summary>
    /// Records the cursor past the pages handed on, oldest first, waiting for the oldest while more than
    /// <paramref name="leave"/> are under way. Returns the cursor, the events recorded, and whether another relay moved
    /// the cursor (this one must stop; there is no cursor at all before the first page is recorded, so null is not that).
    /// </summary>
    private async Task<(RelayCursor? Cursor, int Events, bool Superseded)> RecordDoneAsync(
        RelayCursor? cursor, string containerName, Queue<HandingOn> handing, int leave, CancellationToken cancellationToken)
    {
        var events = 0;
        while (handing.Count > 0 && (handing.Count > leave || handing.Peek().Work.IsCompleted))
        {
            var done = handing.Peek();
            await done.Work;
            handing.Dequeue();
            var moved = await RecordAsync(cursor, containerName, done.Continuation, done.Events, cancellationToken);
            if (moved is null)
            {
                return (cursor, events, true);
            }

            cursor = moved;
            events += done.Events;
        }

        return (cursor, events, false);
    }

    /// <summary>
    /// Hands a page's events on to the sinks (webhook deliveries) and the publisher (Service Bus). Up to
    /// <see cref="EventLimits.RelayPagesHandedOnMax"/> pages are handed on at once, so the webhooks a page sends do not
    /// hold the reading of the next: receivers' answers do not pace the relay.
    /// </summary>
    private async Task HandOnAsync(IReadOnlyList<RelayedEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        // The publisher beside the sinks, not after them: a receiver slow to answer a webhook does not hold Service Bus.
        await Task.WhenAll([.. sinks.Select(sink => sink.AcceptAsync(events, cancellationToken)), publisher.PublishAsync([.. events.Select(e => e.Envelope)], cancellationToken)]);
    }

    /// <summary>Another relay moved the cursor: this one stops, once the pages it is handing on are done with (they only repeat its work).</summary>
    private async Task<RelayPassResult> SupersededAsync(string containerName, int relayed, Queue<HandingOn> handing)
    {
        await SettledAsync(handing);
        logger.LogWarning("The event relay of {Container} stopped: another relay moved its cursor (an activity run twice)", containerName);
        return new RelayPassResult(relayed, true);
    }

    /// <summary>Waits for the pages still being handed on, whatever becomes of them: none is recorded, so each is handed on again later.</summary>
    private static async Task SettledAsync(Queue<HandingOn> handing)
    {
        foreach (var page in handing)
        {
            try
            {
                await page.Work;
            }
#pragma warning disable CA1031 // Nothing depends on how it ended: the page is handed on again from the cursor.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    /// <summary>The cursor moved to <paramref name="continuation"/>; null when another relay moved it first.</summary>
    private async Task<RelayCursor?> RecordAsync(RelayCursor? cursor, string containerName, string continuation, int events, CancellationToken cancellationToken)
    {
        var next = new RelayCursor
        {
            Id = containerName,
            Continuation = continuation,
            UpdatedMicros = CosmosTime.ToMicros(time.GetUtcNow()),
            EventsRelayed = (cursor?.EventsRelayed ?? 0) + events,
        };
        try
        {
            var written = cursor is null
                ? await cursors.CreateItemAsync(next, new PartitionKey(containerName), cancellationToken: cancellationToken)
                : await cursors.ReplaceItemAsync(next, containerName, new PartitionKey(containerName), new ItemRequestOptions { IfMatchEtag = cursor.ETag }, cancellationToken);
            return next with { ETag = written.ETag };
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            return null;
        }
    }
}
