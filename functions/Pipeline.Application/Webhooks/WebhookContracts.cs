using Pipeline.Application.Collection;
using Pipeline.Application.Http;
using Pipeline.Application.Settlement;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Webhooks;

/// <summary>The event types an endpoint may subscribe to (docs/EVENTS.md), or <see cref="WebhookEndpoint.AllEvents"/>.</summary>
public static class SubscribableEvents
{
    public static IReadOnlySet<string> Types { get; } = new HashSet<string>([.. PaymentEvents.Types, .. WalletEvents.Types, .. WebhookEndpointEvents.Types, .. SettlementEvents.Types, .. CollectionEvents.Types], StringComparer.Ordinal);

    public static void Check(IReadOnlyList<string>? events, Dictionary<string, string[]> errors)
    {
        if (events is not { Count: > 0 and <= WebhookLimits.EventTypesMax })
        {
            errors["events"] = [$"List 1 to {WebhookLimits.EventTypesMax} event types, or [\"*\"] for all."];
        }
        else if (events.Where(e => e != WebhookEndpoint.AllEvents && !Types.Contains(e)).ToList() is { Count: > 0 } unknown)
        {
            errors["events"] = [$"Unknown event types: {string.Join(", ", unknown.Take(5))}. The types are listed in docs/EVENTS.md."];
        }
    }

    public static void CheckDescription(string? description, Dictionary<string, string[]> errors)
    {
        if (description is { Length: > WebhookLimits.DescriptionLengthMax })
        {
            errors["description"] = [$"At most {WebhookLimits.DescriptionLengthMax} characters."];
        }
    }
}

/// <param name="Url">Where events are POSTed: https, a public address.</param>
/// <param name="Events">The event types to send, or ["*"] for all.</param>
public sealed record CreateWebhookEndpointRequest(string Url, IReadOnlyList<string> Events, string? Description = null) : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(Url))
        {
            errors["url"] = ["Give the URL events are sent to."];
        }

        SubscribableEvents.Check(Events, errors);
        SubscribableEvents.CheckDescription(Description, errors);
        return errors;
    }
}

/// <summary>A change to an endpoint: only the fields given change.</summary>
/// <param name="Status">enabled or disabled. Enabling a disabled endpoint starts its health afresh; its failed deliveries stay failed (redeliver them).</param>
public sealed record UpdateWebhookEndpointRequest(string? Url = null, IReadOnlyList<string>? Events = null, string? Description = null, WebhookEndpointStatus? Status = null) : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Events is not null)
        {
            SubscribableEvents.Check(Events, errors);
        }

        SubscribableEvents.CheckDescription(Description, errors);
        return errors;
    }

    public WebhookEndpoint Apply(WebhookEndpoint endpoint) => endpoint with
    {
        Url = Url ?? endpoint.Url,
        Events = Events is null ? endpoint.Events : [.. Events.Distinct(StringComparer.Ordinal)],
        Description = Description ?? endpoint.Description,
        Status = Status ?? endpoint.Status,
    };
}

/// <param name="PreviousValidForSeconds">How long the current secret keeps signing alongside the new one: 0 to 604800 (7 days), 86400 by default; 0 for a leaked secret.</param>
public sealed record RotateWebhookSecretRequest(int? PreviousValidForSeconds = null) : IValidatable
{
    public TimeSpan OverlapOrDefault() => PreviousValidForSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : WebhookLimits.SecretOverlapDefault;

    public IReadOnlyDictionary<string, string[]> Validate() =>
        PreviousValidForSeconds is < 0 || PreviousValidForSeconds > (int)WebhookLimits.SecretOverlapMax.TotalSeconds
            ? new Dictionary<string, string[]> { ["previousValidForSeconds"] = [$"0 to {(int)WebhookLimits.SecretOverlapMax.TotalSeconds} seconds."] }
            : new Dictionary<string, string[]>();
}

/// <param name="Secret">The signing secret ("whsec_…"), in the first response only.</param>
public sealed record CreatedWebhookEndpoint(WebhookEndpointView Endpoint, string? Secret) : IShownOnce
{
    /// <summary>Instead of <see cref="Secret"/> in a replay: why it is missing and how to get a new one.</summary>
    public string? SecretNotice { get; init; } = Secret is null ? WebhookEndpointRoutes.SecretNotice(Endpoint.Id) : null;

    public object WithoutSecret() => this with { Secret = null, SecretNotice = WebhookEndpointRoutes.SecretNotice(Endpoint.Id) };
}

/// <param name="Secret">The new signing secret, in the first response only.</param>
/// <param name="PreviousSecretValidUntil">Until when the previous secret also signs; absent when it no longer does.</param>
public sealed record RotatedWebhookSecret(string EndpointId, string? Secret, DateTimeOffset? PreviousSecretValidUntil) : IShownOnce
{
    public string? SecretNotice { get; init; }

    public object WithoutSecret() => this with { Secret = null, SecretNotice = WebhookEndpointRoutes.SecretNotice(EndpointId) };
}

public sealed record WebhookEndpointsList(IReadOnlyList<WebhookEndpointView> Endpoints);

public sealed record DeletedWebhookEndpoint(string Id, bool Deleted);
