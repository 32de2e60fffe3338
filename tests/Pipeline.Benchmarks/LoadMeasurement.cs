using System.Diagnostics;

namespace Pipeline.Benchmarks;

/// <summary>
/// Runs an operation from many concurrent workers for a fixed time and reports throughput and latency
/// percentiles. Loops are bounded by time and stop by themselves.
/// </summary>
internal static class LoadMeasurement
{
    public static async Task<LoadResult> RunAsync(string name, int workers, TimeSpan duration, Func<int, long, Task<bool>> operation)
    {
        var latencies = new List<double>[workers];
        var failures = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            var mine = latencies[worker] = [];
            for (long i = 0; stopwatch.Elapsed < duration; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = await operation(worker, i);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        var elapsed = stopwatch.Elapsed;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(name, all.Length, failures, all.Length / elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

internal sealed record LoadResult(string Name, long Operations, long Failures, double PerSecond, double P50Ms, double P99Ms)
{
    public override string ToString() =>
        $"| {Name} | {Operations:N0} | {Failures:N0} | {PerSecond:N0}/s | {P50Ms:N1} ms | {P99Ms:N1} ms |";
}
