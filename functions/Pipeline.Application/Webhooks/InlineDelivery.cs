using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Pipeline.Application.Webhooks;

/// <summary>
/// The fast path of a webhook (docs/ARCHITECTURE.md "Events"): the relay's sink sends a page's events to a healthy
/// endpoint at once, before the relay's cursor moves, and stores each delivery once, with its outcome — succeeded
/// (without its body: the event log keeps the event, and a redelivery brings it), or pending for the endpoint's worker
/// when it failed, was not answered within <see cref="WebhookLimits.InlineBudget"/> or could not be sent in it. A
/// process killed anywhere before the relay's cursor moves hands the page over again: sent twice, stored once — at
/// least once. What a delivery costs the database when the receiver answers at once is one small document written in
/// a batch with its page's others, against the worker's create, query and patch of a document with the body.
/// An endpoint that is failing, or answered too slowly here lately (<see cref="WebhookLimits.InlineSlowPause"/>), gets
/// the worker's path instead: one slow receiver holds the relay at most once per pause, and only for the budget.
/// </summary>
public sealed class InlineDelivery(WebhookEndpointStore endpoints, DeliveryStore deliveries, WebhookSender sender, TimeProvider time, ILogger<InlineDelivery> logger)
{
    /// <summary>Endpoints that answered too slowly, with when (a timestamp of the platform's clock) they may be sent to inline again.</summary>
    private readonly ConcurrentDictionary<string, long> slowUntil = new(StringComparer.Ordinal);

    /// <summary>Whether the endpoint gets the fast path: enabled and not failing, and not paused for slowness here.</summary>
    public bool Takes(WebhookEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint is { Status: WebhookEndpointStatus.Enabled, FailingSinceMicros: 0 }
            && (!slowUntil.TryGetValue(endpoint.Id, out var until) || time.GetTimestamp() >= until);
    }

    /// <summary>The moment (a <see cref="Stopwatch"/> timestamp) by which a page's inline sends, to all its endpoints, end.</summary>
    public static long DeadlineFromNow() => Stopwatch.GetTimestamp() + (long)(WebhookLimits.InlineBudget.TotalSeconds * Stopwatch.Frequency);

    /// <summary>
    /// Sends the endpoint's new deliveries (<see cref="DeliveryStore.New"/>) until the page's <paramref name="deadline"/>
    /// (<see cref="DeadlineFromNow"/>: however many endpoints a page has, the relay waits at most the budget) and stores
    /// them with their outcomes.
    /// </summary>
    /// <returns>
    /// Whether the endpoint's worker must be woken: some were left pending, or some had been stored before (a page handed
    /// over again, whose first hand-over may have died before its wake-up). When the fast path fails (the secret store
    /// unreachable, a write refused), the deliveries are stored pending instead: one endpoint's trouble never fails the
    /// relay's page for the others (found in review).
    /// </returns>
    public async Task<bool> TryDeliverAsync(WebhookEndpoint endpoint, IReadOnlyList<WebhookDelivery> fresh, long deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(fresh);
        try
        {
            return await DeliverAsync(endpoint, fresh, deadline, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Webhooks to endpoint {EndpointId} could not be sent inline; {Count} go through its worker", endpoint.Id, fresh.Count);
            await deliveries.ScheduleAllAsync(endpoint.Id, fresh, cancellationToken);
            return true;
        }
    }

    private async Task<bool> DeliverAsync(WebhookEndpoint endpoint, IReadOnlyList<WebhookDelivery> fresh, long deadline, CancellationToken cancellationToken)
    {
        var secrets = await endpoints.SigningSecretsAsync(endpoint, cancellationToken);
        var url = new Uri(endpoint.Url);
        var sends = await SendUntilAsync(fresh, d => sender.SendAsync(url, d, secrets, cancellationToken), deadline, cancellationToken);
        var stored = new List<WebhookDelivery>(fresh.Count);
        var late = new List<(WebhookDelivery Delivery, Task<SendResult> Send)>();
        for (var i = 0; i < fresh.Count; i++)
        {
            stored.Add(sends[i] switch
            {
                null or { IsFaulted: true } or { IsCanceled: true } => fresh[i], // not sent (or it broke): due now, for the worker
                { IsCompletedSuccessfully: true, Result.Succeeded: true } done => deliveries.AfterAttempt(fresh[i], done.Result.Attempt, true) with { Body = null },
                { IsCompletedSuccessfully: true } failed => deliveries.AfterAttempt(fresh[i], failed.Result.Attempt, false),
                var inFlight => InFlight(fresh[i], inFlight, late),
            });
        }

        var storedBefore = !await deliveries.ScheduleAllAsync(endpoint.Id, stored, cancellationToken);
        foreach (var (delivery, send) in late)
        {
            _ = RecordLateAsync(delivery, send);
        }

        var outcomes = sends.OfType<Task<SendResult>>().Where(s => s.IsCompletedSuccessfully).Select(s => s.Result.Succeeded).ToList();
        if (outcomes.Count > 0)
        {
            // Writes only when it changes the endpoint's health: all failed (now failing), or its first success ever.
            await endpoints.RecordOutcomeAsync(endpoint, outcomes.Contains(true), false, cancellationToken);
        }

        // Slow: an answer not there by the deadline, or one that took longer than a receiver that answers at once would.
        // The second is what keeps a receiver that always answers just within the budget from pacing the relay's
        // pages, every merchant's with them (found in review).
        var slowAnswers = sends.OfType<Task<SendResult>>().Count(s => s.IsCompletedSuccessfully && s.Result.Attempt.DurationMs > WebhookLimits.InlineSlowAnswer.TotalMilliseconds);
        if (late.Count > 0 || slowAnswers > 0)
        {
            slowUntil[endpoint.Id] = time.GetTimestamp() + (long)(WebhookLimits.InlineSlowPause.TotalSeconds * time.TimestampFrequency);
            logger.LogInformation("Webhook endpoint {EndpointId} left {Late} of {Count} deliveries unanswered after {Budget} and took over {SlowAnswer} for {SlowAnswers}: its next ones go through its worker for {Pause}",
                endpoint.Id, late.Count, fresh.Count, WebhookLimits.InlineBudget, WebhookLimits.InlineSlowAnswer, slowAnswers, WebhookLimits.InlineSlowPause);
        }

        return storedBefore || stored.Any(d => d.State == DeliveryState.Pending);
    }

    /// <summary>
    /// Starts each send (at most <see cref="WebhookLimits.EndpointConcurrency"/> at a time) until the deadline, then
    /// waits for them until it. Wall time, not the platform's clock: it bounds how long the relay waits. A slot at null
    /// was never started; a task not completed was still in flight at the deadline.
    /// </summary>
    private static async Task<Task<SendResult>?[]> SendUntilAsync(
        IReadOnlyList<WebhookDelivery> fresh, Func<WebhookDelivery, Task<SendResult>> send, long deadline, CancellationToken cancellationToken)
    {
        var sends = new Task<SendResult>?[fresh.Count];
        // Not disposed: a send still in flight after the deadline releases its slot later.
        var slots = new SemaphoreSlim(WebhookLimits.EndpointConcurrency);
        for (var i = 0; i < fresh.Count; i++)
        {
            var left = Left(deadline);
            if (left <= TimeSpan.Zero || !await slots.WaitAsync(left, cancellationToken))
            {
                break;
            }

            sends[i] = ReleasingAsync(send(fresh[i]), slots);
        }

        var remaining = Left(deadline);
        var all = Task.WhenAll(sends.OfType<Task<SendResult>>());
        if (remaining > TimeSpan.Zero)
        {
            using var waited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(all, Task.Delay(remaining, waited.Token));
            await waited.CancelAsync(); // the timer, when the sends ended first
        }

        // A send that broke is stored for the worker below; its exception is observed here.
        _ = all.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

        // The host stopping cancels the sends: the relay's pass ends and the page is handed over again later.
        cancellationToken.ThrowIfCancellationRequested();
        return sends;
    }

    private static TimeSpan Left(long deadline) => TimeSpan.FromSeconds((double)(deadline - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);

    private static async Task<SendResult> ReleasingAsync(Task<SendResult> send, SemaphoreSlim slots)
    {
        try
        {
            return await send;
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>
    /// A send still in flight: stored pending, due only once its attempt has surely ended (so its worker does not send
    /// it meanwhile); its outcome is recorded on it when it comes (<see cref="RecordLateAsync"/>).
    /// </summary>
    private WebhookDelivery InFlight(WebhookDelivery delivery, Task<SendResult> send, List<(WebhookDelivery, Task<SendResult>)> late)
    {
        var pending = delivery with { DueMicros = delivery.DueMicros + (long)(WebhookLimits.AttemptTimeout + WebhookLimits.InlineBudget).TotalMicroseconds };
        late.Add((pending, send));
        return pending;
    }

    /// <summary>
    /// Records a late send's outcome on its delivery if no one touched it meanwhile; otherwise (and if the process dies
    /// first) the worker sends it when it is due.
    /// </summary>
    private async Task RecordLateAsync(WebhookDelivery delivery, Task<SendResult> send)
    {
        try
        {
            var result = await send;
            await deliveries.RecordFirstAttemptAsync(delivery, result.Attempt, result.Succeeded, CancellationToken.None);
        }
#pragma warning disable CA1031 // Nothing awaits this: the delivery stays pending and its worker sends it when due.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning(e, "The late outcome of webhook {EventId} to endpoint {EndpointId} was not recorded; its worker sends it again", delivery.Id, delivery.EndpointId);
        }
    }
}
