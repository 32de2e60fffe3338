using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipeline.Application.Tests.Webhooks;

/// <summary>A request as a receiver got it.</summary>
public sealed record ReceivedWebhook(string EventId, string? Signature, string? Attempt, byte[] Body, int Answered, DateTimeOffset Arrived);

/// <summary>
/// A real HTTP receiver on loopback (Kestrel): it answers 503 to its first <see cref="FailFirst"/> requests (or all,
/// with <see cref="FailAlways"/>), waits <see cref="Delay"/> before answering, and records every request with
/// its arrival time. The load tests use it too (tests/Pipeline.Benchmarks, for the delivery latency).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private int requests;

    private WebhookReceiver(WebApplication app) => this.app = app;

    public int FailFirst { get; set; }
    public bool FailAlways { get; set; }
    public TimeSpan Delay { get; set; }
    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public Uri Url => new(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/hook");

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrived = DateTimeOffset.UtcNow;
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var number = Interlocked.Increment(ref requests);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }

        var status = FailAlways || number <= FailFirst ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        Received.Enqueue(new ReceivedWebhook(
            context.Request.Headers["Pipeline-Event-Id"].ToString(), context.Request.Headers["Pipeline-Signature"].FirstOrDefault(),
            context.Request.Headers["Pipeline-Delivery-Attempt"].FirstOrDefault(), body.ToArray(), status, arrived));
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(status == 200 ? "ok" : "busy, try later");
    }
}
