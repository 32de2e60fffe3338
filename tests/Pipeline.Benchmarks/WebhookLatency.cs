using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipeline.Application.Tests.Webhooks;

namespace Pipeline.Benchmarks;

/// <summary>The delivery latency the load tests report, from the receivers' record of each webhook's arrival.</summary>
internal static class WebhookLatency
{
    /// <summary>Waits until <paramref name="expected"/> distinct events arrived (at most a minute); then the latency from each change to its arrival.</summary>
    public static async Task<string> ReportAsync(WebhookReceiver receiver, int expected)
    {
        var clock = Stopwatch.StartNew();
        while (receiver.Received.Count < expected && clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(100);
        }

        var latencies = receiver.Received
            .Select(r => (r.Arrived, Event: JsonDocument.Parse(r.Body).RootElement))
            .GroupBy(r => r.Event.GetProperty("id").GetString())
            .Select(g => (g.Min(r => r.Arrived) - g.First().Event.GetProperty("time").GetDateTimeOffset()).TotalMilliseconds)
            .Order().ToList();
        return latencies.Count == 0
            ? $"webhooks: none of {expected} arrived"
            : string.Create(CultureInfo.InvariantCulture,
                $"webhooks: {latencies.Count} of {expected} payment events delivered ({receiver.Received.Count - latencies.Count} duplicates), {clock.Elapsed.TotalSeconds:0.0} s after the load; "
                + $"change to receiver p50 {Percentile(latencies, 0.50):0} ms, p99 {Percentile(latencies, 0.99):0} ms, max {latencies[^1]:0} ms");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
