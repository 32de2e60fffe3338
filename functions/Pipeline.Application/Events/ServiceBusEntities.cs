namespace Pipeline.Application.Events;

/// <summary>
/// Every Service Bus entity the code uses. infra/ must declare each with the same name (checked against the
/// compiled Bicep by the infrastructure contract test), so a new subscription here fails CI until it is deployed.
/// </summary>
public static class ServiceBusEntities
{
    /// <summary>
    /// The integration-event topic. Duplicate detection is on and the message id is the event id, so a publish
    /// retried by an activity within <see cref="DuplicateDetectionWindow"/> is delivered once.
    /// </summary>
    public const string Topic = "pipeline-events";

    /// <summary>Every event, for the operator's downstream systems (ERP, accounting, data warehouse).</summary>
    public const string DownstreamSubscription = "downstream";

    /// <summary>How long the topic remembers message ids. Longer than any activity retry schedule.</summary>
    public static readonly TimeSpan DuplicateDetectionWindow = TimeSpan.FromDays(1);

    public static IReadOnlyList<string> Subscriptions { get; } = [DownstreamSubscription];
}
