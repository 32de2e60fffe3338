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
/// page from its cursor, hands each page's events to the event log, then the sinks (webhook deliveries), then the
/// publisher (Service Bus), and only then records the cursor. A pass killed anywhere before that record is run again
/// from the old cursor: every hand-over is idempotent by event id, so nothing is lost and nothing is logged twice.
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
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime?.ApplicationStopping ?? CancellationToken.None);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await feed.ReadNextAsync(stop.Token);
                if (response.StatusCode == HttpStatusCode.NotModified)
                {
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
                await HandOverAsync(events, stop.Token);
                cursor = await RecordAsync(cursor, containerName, response.ContinuationToken, events.Count, stop.Token);
                if (cursor is null)
                {
                    logger.LogWarning("The event relay of {Container} stopped: another relay moved its cursor (an activity run twice)", containerName);
                    return new RelayPassResult(relayed, true);
                }

                relayed += events.Count;
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
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: the page under way was not recorded, so the next pass hands it over again.
        }

        return new RelayPassResult(relayed, false);
    }

    private async Task HandOverAsync(IReadOnlyList<RelayedEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        await log.AppendAsync(events, cancellationToken);
        foreach (var sink in sinks)
        {
            await sink.AcceptAsync(events, cancellationToken);
        }

        await publisher.PublishAsync([.. events.Select(e => e.Envelope)], cancellationToken);
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
