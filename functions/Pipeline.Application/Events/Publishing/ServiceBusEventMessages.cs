using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Pipeline.Application.Http;

namespace Pipeline.Application.Events.Publishing;

/// <summary>
/// An event as a Service Bus message, in the CloudEvents AMQP binding's structured mode: the body is the envelope
/// as JSON, written by the API's own serialiser so it reads byte for byte as <c>GET /events</c> and webhooks show it.
/// The binding lets structured messages carry the attributes as application properties as well; they are there so
/// subscriptions can filter and receivers can route without parsing the body.
/// </summary>
public static class ServiceBusEventMessages
{
    /// <summary>The JSON event format's media type, which tells a CloudEvents receiver the message is structured.</summary>
    public const string ContentType = "application/cloudevents+json; charset=utf-8";

    /// <summary>The binding's prefix for attributes in application properties.</summary>
    public const string PropertyPrefix = "cloudEvents:";

    public static ServiceBusMessage Of(EventEnvelope envelope)
    {
        var message = new ServiceBusMessage(JsonSerializer.SerializeToUtf8Bytes(envelope, ApiJson.Options))
        {
            ContentType = ContentType,
            // Duplicate detection drops a message whose id the topic has seen within its window, so an event sent
            // again (a retried batch, a page the relay runs again) reaches subscribers once.
            MessageId = envelope.Id,
            Subject = envelope.Type,
        };
        // Values as the binding's canonical strings, the same text as in the body: time keeps its microseconds
        // (an AMQP timestamp has milliseconds) and sequence stays the zero-padded string that sorts as text.
        message.ApplicationProperties[PropertyPrefix + "specversion"] = envelope.SpecVersion;
        message.ApplicationProperties[PropertyPrefix + "id"] = envelope.Id;
        message.ApplicationProperties[PropertyPrefix + "source"] = envelope.Source;
        message.ApplicationProperties[PropertyPrefix + "type"] = envelope.Type;
        message.ApplicationProperties[PropertyPrefix + "subject"] = envelope.Subject;
        message.ApplicationProperties[PropertyPrefix + "time"] = ApiJson.Timestamp(envelope.Time);
        message.ApplicationProperties[PropertyPrefix + "sequence"] = envelope.Sequence;
        if (envelope.TransferId is not null)
        {
            message.ApplicationProperties[PropertyPrefix + "transferid"] = envelope.TransferId;
        }

        return message;
    }
}
