using System.Text.Json;
using Pipeline.Application.Cosmos;

namespace Pipeline.Application.Events;

/// <summary>A container that keeps its events as <see cref="OutboxDocument"/>s beside its resources (payments, webhook endpoints).</summary>
public sealed class OutboxSource(string containerName) : IEventSource
{
    public string ContainerName { get; } = containerName;

    public ValueTask<IReadOnlyList<RelayedEvent>> EventsOfAsync(IReadOnlyList<JsonElement> page, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<RelayedEvent>>([.. page.SelectMany(EventsOf)]);

    private IEnumerable<RelayedEvent> EventsOf(JsonElement document)
    {
        if (document.TryGetProperty("docType", out var type) && type.ValueEquals(OutboxDocument.EventDocType))
        {
            var outbox = document.Deserialize<OutboxDocument>(CosmosJson.Options)
                ?? throw new JsonException($"An event document of {ContainerName} is empty.");
            yield return new RelayedEvent(outbox.MerchantId, outbox.Envelope);
        }
    }
}
