namespace Pipeline.Application.Webhooks;

/// <summary>The events an endpoint emits about itself (docs/EVENTS.md).</summary>
public static class WebhookEndpointEvents
{
    public const string Created = "webhook_endpoint.created";
    public const string Updated = "webhook_endpoint.updated";
    public const string Disabled = "webhook_endpoint.disabled";
    public const string Deleted = "webhook_endpoint.deleted";

    public static IReadOnlyList<string> Types { get; } = [Created, Updated, Disabled, Deleted];
}
