using System.Collections.Concurrent;

namespace Pipeline.Application.Webhooks;

/// <summary>
/// At most one wake-up per endpoint per <see cref="WebhookLimits.WakeUpInterval"/> from this process. Each wake-up is
/// a status read and an event to the worker's orchestration (an orchestration step, in Azure Storage transactions),
/// and under load the relay hands over a page every few hundred milliseconds: one wake-up per page kept the storage
/// emulator busy (12 % of a core at 450 payments/s, against 7 % with one per 2 s; measured 2026-12-01) for nothing a
/// pass would not have found. A wake-up asked for too soon is not dropped but owed: sent when the interval is up (one
/// for all asked meanwhile), so a delivery waits at most the interval for its worker — dropping it lost wake-ups: a
/// worker that finished its pass just after the previous one slept through what this one announced.
/// </summary>
public sealed class WakeThrottle(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Endpoint> endpoints = new(StringComparer.Ordinal);

    /// <summary>
    /// A wake-up asked for: <see cref="TimeSpan.Zero"/> to send it now; a positive delay to send it after that (the
    /// caller then owes it and calls <see cref="Sending"/> before sending); null when one is owed already and covers this.
    /// </summary>
    public TimeSpan? Ask(string endpointId)
    {
        var endpoint = endpoints.GetOrAdd(endpointId, _ => new Endpoint());
        lock (endpoint)
        {
            if (endpoint.Owed)
            {
                return null;
            }

            var now = time.GetTimestamp();
            var wait = endpoint.LastSent is { } last ? WebhookLimits.WakeUpInterval - time.GetElapsedTime(last, now) : TimeSpan.Zero;
            if (wait <= TimeSpan.Zero)
            {
                endpoint.LastSent = now;
                return TimeSpan.Zero;
            }

            endpoint.Owed = true;
            return wait;
        }
    }

    /// <summary>An owed wake-up is being sent now: one asked for from here on is new (and waits its interval).</summary>
    public void Sending(string endpointId)
    {
        var endpoint = endpoints.GetOrAdd(endpointId, _ => new Endpoint());
        lock (endpoint)
        {
            endpoint.Owed = false;
            endpoint.LastSent = time.GetTimestamp();
        }
    }

    private sealed class Endpoint
    {
        public long? LastSent { get; set; }

        public bool Owed { get; set; }
    }
}
