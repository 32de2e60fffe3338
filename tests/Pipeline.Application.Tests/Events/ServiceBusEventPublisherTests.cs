using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Events;
using Pipeline.Application.Events.Publishing;

namespace Pipeline.Application.Tests.Events;

/// <summary>The Service Bus publisher against the SDK's own test seams (<see cref="RecordingServiceBusSender"/>).</summary>
public sealed class ServiceBusEventPublisherTests
{
    /// <summary>2026-01-01T00:00:00.123456Z in Unix microseconds: a time with more precision than milliseconds.</summary>
    private const long TimeMicros = 1_767_225_600_123_456;

    private readonly FakeTimeProvider clock = new();
    private readonly RecordingLogger logger = new();

    [Fact]
    public async Task An_event_becomes_a_structured_cloudevents_message_with_its_attributes_as_properties()
    {
        var sender = new RecordingServiceBusSender(clock);
        var envelope = Event("pay_1", 3);

        await Publisher(sender).PublishAsync([envelope], CancellationToken.None);

        var message = Assert.Single(sender.Delivered);
        Assert.StartsWith("evt_", envelope.Id, StringComparison.Ordinal);
        Assert.Equal(envelope.Id, message.MessageId);
        Assert.Equal("payment.succeeded", message.Subject);
        Assert.Equal("application/cloudevents+json; charset=utf-8", message.ContentType);
        Assert.Equal(new Dictionary<string, object>
        {
            ["cloudEvents:specversion"] = "1.0",
            ["cloudEvents:id"] = envelope.Id,
            ["cloudEvents:source"] = "/v1/payments/pay_1",
            ["cloudEvents:type"] = "payment.succeeded",
            ["cloudEvents:subject"] = "pay_1",
            ["cloudEvents:time"] = "2026-01-01T00:00:00.123456Z",
            ["cloudEvents:sequence"] = "0000000000000000003",
        }, message.ApplicationProperties);

        using var body = JsonDocument.Parse(message.Body.ToMemory());
        var attributes = body.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal);
        Assert.Equal(new Dictionary<string, string>
        {
            ["specversion"] = "1.0",
            ["id"] = envelope.Id,
            ["source"] = "/v1/payments/pay_1",
            ["type"] = "payment.succeeded",
            ["subject"] = "pay_1",
            ["time"] = "2026-01-01T00:00:00.123456Z",
            ["datacontenttype"] = "application/json",
            ["sequence"] = "0000000000000000003",
            ["data"] = """{"id":"pay_1","amount":1250}""",
        }, attributes);
    }

    [Fact]
    public async Task Events_that_do_not_fit_one_batch_are_sent_in_several_in_their_order()
    {
        var sender = new RecordingServiceBusSender(clock, fitsInBatchHolding: count => count < 2);
        var events = Enumerable.Range(1, 5).Select(n => Event($"pay_{n}", n)).ToList();

        await Publisher(sender).PublishAsync(events, CancellationToken.None);

        Assert.Equal([[events[0].Id, events[1].Id], [events[2].Id, events[3].Id], [events[4].Id]], sender.Attempts.Select(a => Ids(a.Messages)));
        Assert.Equal(events.Select(e => e.Id), Ids(sender.Delivered));
    }

    [Fact]
    public async Task A_batch_that_failed_transiently_is_sent_again_after_a_pause_with_the_same_message_ids()
    {
        var sender = new RecordingServiceBusSender(clock, fitsInBatchHolding: count => count < 2);
        sender.Outcomes.Enqueue(new ServiceBusException(isTransient: true, "The namespace is busy.", reason: ServiceBusFailureReason.ServiceBusy));
        var events = Enumerable.Range(1, 3).Select(n => Event($"pay_{n}", n)).ToList();

        await RunClockUntilDone(Publisher(sender).PublishAsync(events, CancellationToken.None));

        Assert.Equal([[events[0].Id, events[1].Id], [events[0].Id, events[1].Id], [events[2].Id]], sender.Attempts.Select(a => Ids(a.Messages)));
        Assert.True(sender.Attempts[1].At - sender.Attempts[0].At >= EventLimits.PublishBatchRetryDelay);
        Assert.Equal(events.Select(e => e.Id), Ids(sender.Delivered));
        var warning = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(events[0].Id, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_whose_creation_failed_transiently_is_created_again()
    {
        var sender = new RecordingServiceBusSender(clock);
        sender.CreationFailures.Enqueue(new ServiceBusException(isTransient: true, "The connection was lost.", reason: ServiceBusFailureReason.ServiceCommunicationProblem));
        var events = new[] { Event("pay_1", 1), Event("pay_2", 1) };

        await RunClockUntilDone(Publisher(sender).PublishAsync(events, CancellationToken.None));

        Assert.Equal(events.Select(e => e.Id), Ids(sender.Delivered));
        Assert.Single(logger.Entries);
    }

    [Fact]
    public async Task A_batch_still_failing_transiently_after_its_retries_fails_the_publish_with_nothing_after_it_sent()
    {
        var sender = new RecordingServiceBusSender(clock, fitsInBatchHolding: count => count < 1);
        for (var failure = 0; failure <= EventLimits.PublishBatchRetriesMax; failure++)
        {
            sender.Outcomes.Enqueue(new ServiceBusException(isTransient: true, "Timed out.", reason: ServiceBusFailureReason.ServiceTimeout));
        }

        var events = new[] { Event("pay_1", 1), Event("pay_2", 1) };

        var publishing = Publisher(sender).PublishAsync(events, CancellationToken.None);
        await Assert.ThrowsAsync<ServiceBusException>(() => RunClockUntilDone(publishing));

        Assert.Equal(Enumerable.Repeat(events[0].Id, EventLimits.PublishBatchRetriesMax + 1), sender.Attempts.Select(a => Assert.Single(a.Messages).MessageId));
        Assert.True(sender.Attempts[2].At - sender.Attempts[1].At >= 2 * EventLimits.PublishBatchRetryDelay);
        Assert.Empty(sender.Delivered);
    }

    [Fact]
    public async Task Each_batch_has_its_own_retries()
    {
        var sender = new RecordingServiceBusSender(clock, fitsInBatchHolding: count => count < 1);
        for (var batch = 0; batch < 2; batch++)
        {
            for (var failure = 0; failure < EventLimits.PublishBatchRetriesMax; failure++)
            {
                sender.Outcomes.Enqueue(new ServiceBusException(isTransient: true, "Timed out.", reason: ServiceBusFailureReason.ServiceTimeout));
            }

            sender.Outcomes.Enqueue(null);
        }

        var events = new[] { Event("pay_1", 1), Event("pay_2", 1) };

        await RunClockUntilDone(Publisher(sender).PublishAsync(events, CancellationToken.None));

        Assert.Equal(events.Select(e => e.Id), Ids(sender.Delivered));
        Assert.Equal(2 * (EventLimits.PublishBatchRetriesMax + 1), sender.Attempts.Count);
    }

    [Fact]
    public async Task A_failure_that_is_not_transient_fails_the_publish_at_once()
    {
        var sender = new RecordingServiceBusSender(clock);
        sender.Outcomes.Enqueue(new ServiceBusException(isTransient: false, "No such topic.", reason: ServiceBusFailureReason.MessagingEntityNotFound));

        var failure = await Assert.ThrowsAsync<ServiceBusException>(() => RunClockUntilDone(Publisher(sender).PublishAsync([Event("pay_1", 1)], CancellationToken.None)));

        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, failure.Reason);
        Assert.Single(sender.Attempts);
        Assert.Empty(sender.Delivered);
        Assert.Empty(logger.Entries);
    }

    [Fact]
    public async Task An_event_too_big_for_an_empty_batch_is_a_defect_named_by_its_id()
    {
        var sender = new RecordingServiceBusSender(clock, fitsInBatchHolding: _ => false);
        var envelope = Event("pay_1", 1);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Publisher(sender).PublishAsync([envelope], CancellationToken.None));

        Assert.Contains(envelope.Id, failure.Message, StringComparison.Ordinal);
        Assert.Contains("262144 bytes", failure.Message, StringComparison.Ordinal);
        Assert.Empty(sender.Attempts);
    }

    private ServiceBusEventPublisher Publisher(RecordingServiceBusSender sender) => new(sender, clock, logger);

    private static EventEnvelope Event(string paymentId, long sequence) =>
        EventEnvelope.Of("payment.succeeded", $"/v1/payments/{paymentId}", paymentId, sequence, TimeMicros,
            JsonSerializer.SerializeToElement(new { id = paymentId, amount = 1250 }));

    private static List<string> Ids(IEnumerable<ServiceBusMessage> messages) => messages.Select(m => m.MessageId).ToList();

    /// <summary>
    /// Moves the fake clock on in small steps until publishing ends, as real time would pass during its pauses; a
    /// pause's timer may be set only after a step (the publisher resumes on another thread), so it keeps stepping.
    /// </summary>
    private async Task RunClockUntilDone(Task publishing)
    {
        while (!publishing.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1);
        }

        await publishing;
    }

    private sealed class RecordingLogger : ILogger<ServiceBusEventPublisher>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
