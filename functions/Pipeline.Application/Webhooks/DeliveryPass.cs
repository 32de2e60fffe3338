using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.Application.Webhooks;

/// <summary>What a worker's pass left: when the next delivery is due (null: none pending), or that the endpoint is gone.</summary>
public sealed record DeliveryPassResult(int Attempts, long? NextDueMicros, bool EndpointGone);

/// <summary>
/// One pass of an endpoint's worker: sends what is due, at most <see cref="WebhookLimits.EndpointConcurrency"/> at a
/// time (a slow receiver holds only its own worker), for up to <see cref="WebhookLimits.DeliveryPassDuration"/>.
/// While the endpoint is failing, one delivery probes it; if the probe fails too, the other due deliveries are not
/// sent but recorded as attempts that failed with it (<c>endpoint_failing</c>), so each keeps its own schedule — and
/// reaches the end of its 3 days — without a connection per delivery to a receiver that is down.
/// </summary>
/// <param name="lifetime">The host's: a pass stops sending when the host stops (what it sent unrecorded is sent again later).</param>
public sealed class DeliveryPass(
    WebhookEndpointStore endpoints, DeliveryStore deliveries, WebhookSender sender, ActivePasses passes, TimeProvider time, ILogger<DeliveryPass> logger,
    IHostApplicationLifetime? lifetime = null)
{
    public async Task<DeliveryPassResult> RunAsync(EndpointWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime?.ApplicationStopping ?? CancellationToken.None);
        try
        {
            return await PassAsync(work, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The host is stopping; the worker looks again at once when it runs next.
            return new DeliveryPassResult(0, Cosmos.CosmosTime.ToMicros(time.GetUtcNow()), false);
        }
    }

    private async Task<DeliveryPassResult> PassAsync(EndpointWork work, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.GetAsync(work.MerchantId, work.EndpointId, cancellationToken);
        if (endpoint is not { Status: WebhookEndpointStatus.Enabled })
        {
            endpoint = await StopAsync(work, endpoint, cancellationToken);
            if (endpoint is null)
            {
                return new DeliveryPassResult(0, null, true);
            }
        }

        var sent = await SendWhileDueAsync(work, endpoint, cancellationToken);
        var lastLook = sent.LastLook;
        if (sent.Endpoint is not { Status: WebhookEndpointStatus.Enabled })
        {
            if (await StopAsync(work, sent.Endpoint, cancellationToken) is null)
            {
                return new DeliveryPassResult(sent.Attempts, null, true);
            }

            lastLook = null; // enabled again: what the stop canceled is due again
        }

        // Ended on time, on a failed probe or a stop: when the next delivery is due, from a look made now — after leaving
        // ActivePasses, so it sees what a relay scheduled while it skipped waking this worker (found in review).
        return new DeliveryPassResult(sent.Attempts, lastLook is { } look ? look.NextDueMicros : await deliveries.NextDueMicrosAsync(work.EndpointId, cancellationToken), false);
    }

    /// <summary>What the sending part of a pass did, and the endpoint as last read.</summary>
    /// <param name="LastLook">Set when the pass ended on a look made after leaving <see cref="ActivePasses"/> that found nothing due.</param>
    private sealed record Sent(int Attempts, WebhookEndpoint? Endpoint, LastLook? LastLook);

    /// <param name="NextDueMicros">When the first pending delivery is due; null when none is pending.</param>
    private sealed record LastLook(long? NextDueMicros);

    /// <summary>
    /// Sends what is due, round after round, looking again every <see cref="WebhookLimits.DeliveryPollInterval"/> while
    /// nothing is, until <see cref="WebhookLimits.DeliveryPassDuration"/> is up or nothing was due for
    /// <see cref="WebhookLimits.DeliveryPassLinger"/> — then it leaves <see cref="ActivePasses"/> and looks once more.
    /// </summary>
    private async Task<Sent> SendWhileDueAsync(EndpointWork work, WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var idle = Stopwatch.StartNew();
        var attempts = 0;
        WebhookEndpoint? current = endpoint;
        passes.Enter(work.EndpointId);
        var active = true;
        try
        {
            while (clock.Elapsed < WebhookLimits.DeliveryPassDuration && !cancellationToken.IsCancellationRequested && current is { Status: WebhookEndpointStatus.Enabled })
            {
                var pending = await deliveries.NextPendingAsync(work.EndpointId, cancellationToken);
                var now = Cosmos.CosmosTime.ToMicros(time.GetUtcNow());
                var due = pending.TakeWhile(d => d.DueMicros <= now).ToList();
                if (due.Count == 0)
                {
                    if (!active)
                    {
                        return new Sent(attempts, current, new LastLook(pending.Count > 0 ? pending[0].DueMicros : null));
                    }

                    if (idle.Elapsed >= WebhookLimits.DeliveryPassLinger)
                    {
                        passes.Leave(work.EndpointId);
                        active = false;
                        continue;
                    }

                    await Task.Delay(WebhookLimits.DeliveryPollInterval, cancellationToken);
                    continue;
                }

                if (!active)
                {
                    passes.Enter(work.EndpointId);
                    active = true;
                }

                idle.Restart();
                // While the endpoint fails, one delivery probes it; its outcome decides whether the rest is sent now.
                var probing = current.FailingSinceMicros != 0;
                var round = probing ? [due[0]] : due;
                var outcomes = await SendAllAsync(current, round, cancellationToken);
                attempts += round.Count;
                // Its health (or the merchant) may have changed it meanwhile: failing, disabled, deleted, a new URL.
                current = await endpoints.GetAsync(work.MerchantId, work.EndpointId, cancellationToken);
                if (probing && !outcomes[0].Result.Succeeded)
                {
                    await FailWithProbeAsync(due.Skip(1), outcomes[0].Result.Attempt, cancellationToken);
                    break;
                }
            }

            return new Sent(attempts, current, null);
        }
        finally
        {
            if (active)
            {
                passes.Leave(work.EndpointId);
            }
        }
    }

    /// <summary>
    /// The endpoint is disabled or deleted: its pending deliveries are canceled and the worker may end. Unless the merchant
    /// enabled it again meanwhile (and the relay scheduled for it, waking a worker about to end): then what this canceled is
    /// reopened and the endpoint, enabled, is returned — and the worker ends only once a round finds nothing pending, so
    /// a delivery scheduled during the cancel is not left behind (both found in review). Null: the worker may end.
    /// </summary>
    private async Task<WebhookEndpoint?> StopAsync(EndpointWork work, WebhookEndpoint? endpoint, CancellationToken cancellationToken)
    {
        for (var round = 0; round < Cosmos.Contention.AttemptsMax; round++)
        {
            var canceled = await deliveries.CancelPendingAsync(work.EndpointId, endpoint is null ? "endpoint_deleted" : "endpoint_disabled", cancellationToken);
            endpoint = await endpoints.GetAsync(work.MerchantId, work.EndpointId, cancellationToken);
            if (endpoint is { Status: WebhookEndpointStatus.Enabled })
            {
                foreach (var delivery in canceled)
                {
                    await deliveries.RedeliverAsync(delivery.MerchantId, delivery.EndpointId, delivery.Id, delivery.EventType, delivery.BodyToSend, cancellationToken);
                }

                return endpoint;
            }

            if (await deliveries.NextDueMicrosAsync(work.EndpointId, cancellationToken) is null)
            {
                logger.LogInformation("Webhook endpoint {EndpointId} is {State}: its worker ends ({Canceled} pending deliveries canceled)",
                    work.EndpointId, endpoint is null ? "deleted" : "disabled", canceled.Count);
                return null;
            }
        }

        throw new InvalidOperationException($"Webhook endpoint {work.EndpointId}: deliveries kept arriving while it was disabled.");
    }

    /// <summary>
    /// Sends a round (at most <see cref="WebhookLimits.EndpointConcurrency"/> at a time) and records it: the attempts in
    /// one batch, and what they say of the endpoint's health — alive if any answered 2xx, failing otherwise, and disabled
    /// if one ran out of attempts after 3 days of failures.
    /// </summary>
    private async Task<(WebhookDelivery Delivery, SendResult Result)[]> SendAllAsync(
        WebhookEndpoint endpoint, IReadOnlyList<WebhookDelivery> round, CancellationToken cancellationToken)
    {
        var secrets = await endpoints.SigningSecretsAsync(endpoint, cancellationToken);
        var url = new Uri(endpoint.Url);
        var outcomes = new (WebhookDelivery Delivery, SendResult Result)[round.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, round.Count), new ParallelOptions { MaxDegreeOfParallelism = WebhookLimits.EndpointConcurrency, CancellationToken = cancellationToken },
            async (i, token) => outcomes[i] = (round[i], await sender.SendAsync(url, round[i], secrets, token)));
        var recorded = await deliveries.RecordAllAsync(endpoint.Id, outcomes, cancellationToken);
        foreach (var (delivery, result) in outcomes.Where(o => !o.Result.Succeeded))
        {
            logger.LogInformation("Webhook {EventId} to endpoint {EndpointId}: attempt {Attempt} failed ({Status}{Error})",
                delivery.Id, endpoint.Id, delivery.RoundAttempts + 1, result.Attempt.Status, result.Attempt.Error);
        }

        var alive = outcomes.Any(o => o.Result.Succeeded);
        await endpoints.RecordOutcomeAsync(endpoint, alive, !alive && recorded.Any(r => r is { State: DeliveryState.Failed }), cancellationToken);
        return outcomes;
    }

    private async Task FailWithProbeAsync(IEnumerable<WebhookDelivery> rest, DeliveryAttempt probe, CancellationToken cancellationToken)
    {
        var at = Cosmos.CosmosTime.ToMicros(time.GetUtcNow());
        foreach (var delivery in rest)
        {
            await deliveries.RecordAsync(delivery, new DeliveryAttempt(at, null, "endpoint_failing", 0, probe.Status is { } s ? $"probe answered {s}" : $"probe failed: {probe.Error}"), false, cancellationToken);
        }
    }
}
