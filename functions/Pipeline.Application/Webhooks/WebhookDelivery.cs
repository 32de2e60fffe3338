using System.Collections.ObjectModel;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;

namespace Pipeline.Application.Webhooks;

public enum DeliveryState
{
    Pending,
    Succeeded,
    Failed,
    Canceled,
}

/// <summary>
/// One attempt at a delivery: when, how long, the receiver's status (null when none came) and otherwise why it
/// failed (<c>timeout</c>, <c>connection_failed</c>, <c>address_not_allowed</c>, <c>endpoint_failing</c> — not sent
/// because the endpoint's probe just failed), and the start of the receiver's answer.
/// </summary>
public sealed record DeliveryAttempt(long AtMicros, int? Status, string? Error, long DurationMs, string? Response);

/// <summary>
/// An event on its way to one endpoint (container <see cref="ContainerName"/>, partition = the endpoint; id = the
/// event id, so the relay handing an event over twice stores it once). It keeps the exact body sent, so every
/// attempt signs the same bytes, and its own retry schedule (<see cref="DueMicros"/>): the endpoint's worker sends what
/// is due. Finished deliveries expire after <see cref="WebhookLimits.DeliveryRetention"/>.
/// </summary>
public sealed record WebhookDelivery
{
    public const string ContainerName = "webhook-deliveries";

    public required string Id { get; init; }
    public required string EndpointId { get; init; }
    public required string MerchantId { get; init; }
    public required string EventType { get; init; }
    /// <summary>
    /// What is sent, exactly: kept while the delivery may be sent again by its worker; none on one that succeeded at its
    /// first, inline, attempt (<see cref="InlineDelivery"/>) — the event log holds the event, and a redelivery brings it.
    /// </summary>
    public string? Body { get; init; }

    /// <summary>The body of a delivery that may be sent: every pending one has it (a reopened one got it again).</summary>
    [JsonIgnore]
    public string BodyToSend => Body ?? throw new InvalidOperationException($"Delivery {Id} to {EndpointId} has no body: it succeeded inline and was not reopened.");
    public DeliveryState State { get; init; }
    public IReadOnlyList<DeliveryAttempt> Attempts { get; init; } = [];

    /// <summary>Attempts made in this round (a redelivery starts a new round); the schedule counts them.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public int RoundAttempts { get; init; }

    public long DueMicros { get; init; }
    public long RoundStartedMicros { get; init; }
    public long CreatedMicros { get; init; }
    public long UpdatedMicros { get; init; }

    /// <summary>Seconds; set when the delivery is finished (the container's default of -1 keeps pending ones).</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public int? Ttl { get; init; }

    public string? ETag { get; init; }

    public static ContainerProperties ContainerProperties()
    {
        var properties = new ContainerProperties(ContainerName, "/endpointId") { DefaultTimeToLive = -1 };
        properties.IndexingPolicy.CompositeIndexes.Add(new Collection<CompositePath>
        {
            new() { Path = "/state", Order = CompositePathSortOrder.Ascending },
            new() { Path = "/dueMicros", Order = CompositePathSortOrder.Ascending },
        });
        properties.IndexingPolicy.CompositeIndexes.Add(new Collection<CompositePath>
        {
            new() { Path = "/createdMicros", Order = CompositePathSortOrder.Descending },
            new() { Path = "/id", Order = CompositePathSortOrder.Descending },
        });
        return properties;
    }

    public DeliveryView ToView() => new(Id, EndpointId, EventType, State, RoundAttempts,
        State == DeliveryState.Pending ? At(DueMicros) : null, At(CreatedMicros),
        [.. Attempts.Select(a => new DeliveryAttemptView(At(a.AtMicros), a.Status, a.Error, a.DurationMs, a.Response))]);

    private static DateTimeOffset At(long micros) => new(CosmosTime.ToTicks(micros), TimeSpan.Zero);
}

/// <summary>A delivery as the API shows it. Its id is the event's.</summary>
/// <param name="NextAttemptAt">While pending: when it is tried next.</param>
public sealed record DeliveryView(
    string EventId, string EndpointId, string EventType, DeliveryState State, int Attempts, DateTimeOffset? NextAttemptAt, DateTimeOffset CreatedAt,
    IReadOnlyList<DeliveryAttemptView> AttemptLog);

public sealed record DeliveryAttemptView(DateTimeOffset At, int? Status, string? Error, long DurationMs, string? Response);

public sealed record DeliveriesPage(IReadOnlyList<DeliveryView> Deliveries, string? Next);
