using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipeline.Benchmarks;

/// <summary>
/// A webhook receiver for the load tests (Kestrel on loopback, in this process): answers 200 at once and keeps each
/// body with its arrival time; the report parses them afterwards, so the receiver costs the host as little CPU as it can.
/// </summary>
internal sealed class LatencyReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<(DateTimeOffset Arrived, byte[] Body)> received = new();

    private LatencyReceiver(WebApplication app) => this.app = app;

    public Uri Url => new(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/hook");

    public static async Task<LatencyReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LatencyReceiver(app);
        app.MapPost("/hook", receiver.ReceiveAsync);
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Waits until <paramref name="expected"/> distinct events arrived (at most a minute); then the latency from each change to its arrival.</summary>
    public async Task<string> ReportAsync(int expected)
    {
        var clock = Stopwatch.StartNew();
        while (received.Count < expected && clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(100);
        }

        var latencies = received
            .Select(r => (r.Arrived, Event: JsonDocument.Parse(r.Body).RootElement))
            .GroupBy(r => r.Event.GetProperty("id").GetString())
            .Select(g => (g.Min(r => r.Arrived) - g.First().Event.GetProperty("time").GetDateTimeOffset()).TotalMilliseconds)
            .Order().ToList();
        return latencies.Count == 0
            ? $"webhooks: none of {expected} arrived"
            : string.Create(CultureInfo.InvariantCulture,
                $"webhooks: {latencies.Count} of {expected} payment events delivered ({received.Count - latencies.Count} duplicates), {clock.Elapsed.TotalSeconds:0.0} s after the load; "
                + $"change to receiver p50 {Percentile(latencies, 0.50):0} ms, p99 {Percentile(latencies, 0.99):0} ms, max {latencies[^1]:0} ms");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private async Task ReceiveAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        received.Enqueue((DateTimeOffset.UtcNow, body.ToArray()));
        context.Response.StatusCode = StatusCodes.Status200OK;
    }
}
