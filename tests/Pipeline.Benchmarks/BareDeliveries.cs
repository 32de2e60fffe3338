using System.Threading.Channels;
using Pipeline.Application.Events;
using Pipeline.Application.Webhooks;

namespace Pipeline.Benchmarks;

/// <summary>
/// The ceiling any delivery design could reach on this machine: every relayed <c>payment.succeeded</c> is sent to the
/// receiver at once — signed, by the platform's <see cref="WebhookSender"/>, at most
/// <see cref="WebhookLimits.EndpointConcurrency"/> at a time, off the relay's path — and nothing is stored, scheduled,
/// recorded or retried. Registered as one more relay sink by the "relayed-bare" phase of wrk-events.sh; not a
/// delivery mechanism (a lost send is lost).
/// </summary>
internal sealed class BareDeliveries : IEventSink, IAsyncDisposable
{
    private readonly Channel<RelayedEvent> queue = Channel.CreateUnbounded<RelayedEvent>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Task[] senders;

    public BareDeliveries(Uri receiver, WebhookSender sender)
    {
        senders = [.. Enumerable.Range(0, WebhookLimits.EndpointConcurrency).Select(_ => SendAllAsync(receiver, sender))];
    }

    public async Task AcceptAsync(IReadOnlyList<RelayedEvent> events, CancellationToken cancellationToken)
    {
        foreach (var relayed in events.Where(e => e.Envelope.Type == "payment.succeeded"))
        {
            await queue.Writer.WriteAsync(relayed, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await Task.WhenAll(senders);
    }

    private async Task SendAllAsync(Uri receiver, WebhookSender sender)
    {
        await foreach (var relayed in queue.Reader.ReadAllAsync())
        {
            var envelope = relayed.Envelope;
            await sender.SendAsync(receiver, new WebhookDelivery
            {
                Id = envelope.Id,
                EndpointId = "we_bare",
                MerchantId = relayed.MerchantId,
                EventType = envelope.Type,
                Body = WebhookScheduler.BodyOf(envelope),
            }, ["whsec_bare_benchmark"], CancellationToken.None);
        }
    }
}
