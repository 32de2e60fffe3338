using System.Text.Json;
using Pipeline.Application.Events;
using Pipeline.Application.Http;

namespace Pipeline.Application.Webhooks;

/// <summary>What became of the events sent to an endpoint, and sending one again.</summary>
public static class DeliveryRoutes
{
    public static readonly ApiRoute List = new("ListWebhookDeliveries", "GET", "v1/webhook-endpoints/{id}/deliveries", Access.Merchant,
        "The endpoint's deliveries, newest first, each with its attempts (status, error, duration, the start of the answer). ?state=&limit=&after=.",
        ListAsync, null, typeof(DeliveriesPage))
    {
        Query =
        [
            new("state", "Only deliveries in this state.", Values: [.. Enum.GetValues<DeliveryState>().Select(s => JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()))]),
            new("limit", "Page size.", Minimum: 1, Maximum: WebhookLimits.PageSizeMax),
            new("after", "The next cursor of the previous page."),
        ],
    };

    public static readonly ApiRoute Redeliver = new("RedeliverEvent", "POST", "v1/events/{id}/redeliveries", Access.Merchant,
        "Sends the event again, now, with a new 3-day retry schedule: to the endpoint named, or to every enabled endpoint that subscribes to its type "
        + "(a delivery still pending starts its schedule afresh).", RedeliverAsync, typeof(RedeliveryRequest), typeof(Redelivery))
    {
        SuccessStatus = StatusCodes.Status202Accepted,
    };

    public const string EndpointDisabled = "endpoint_disabled";

    private static readonly Dictionary<string, DeliveryState> States =
        Enum.GetValues<DeliveryState>().ToDictionary(s => JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()), StringComparer.Ordinal);

    private static async Task<ApiResponse> ListAsync(ApiRequest request)
    {
        if (request.TryReadLimit(WebhookLimits.PageSizeDefault, WebhookLimits.PageSizeMax, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        var query = request.Http.Request.Query;
        DeliveryState? state = null;
        if (query.TryGetValue("state", out var stateText))
        {
            if (!States.TryGetValue(stateText.ToString(), out var parsed))
            {
                return Invalid($"state must be one of {string.Join(", ", States.Keys)}.");
            }

            state = parsed;
        }

        var after = query["after"].FirstOrDefault();
        if (after is not null)
        {
            try
            {
                DeliveryStore.ParseCursor(after);
            }
            catch (ArgumentException)
            {
                return Invalid("after must be the next cursor of a previous page.");
            }
        }

        var endpoint = await request.Service<WebhookEndpointStore>().GetAsync(request.Caller.MerchantId!, request.Route("id"), request.Aborted);
        return endpoint is null
            ? ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No webhook endpoint of yours has this id.")
            : ApiResponse.Ok(await request.Service<DeliveryStore>().ListAsync(endpoint.Id, state, limit, after, request.Aborted));
    }

    private static async Task<ApiResponse> RedeliverAsync(ApiRequest request)
    {
        if (request.TryReadOptional(new RedeliveryRequest(), out var body) is { } problem)
        {
            return problem;
        }

        var merchantId = request.Caller.MerchantId!;
        var envelope = await request.Service<EventLog>().GetAsync(merchantId, request.Route("id"), request.Aborted);
        if (envelope is null)
        {
            return ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No event of yours has this id (events are kept 30 days).");
        }

        var all = await request.Service<WebhookEndpointStore>().ListAsync(merchantId, request.Aborted);
        var targets = body.EndpointId is null ? [.. all.Where(e => e.Wants(envelope.Type))] : all.Where(e => e.Id == body.EndpointId).ToList();
        if (body.EndpointId is not null && targets is not [{ Status: WebhookEndpointStatus.Enabled }])
        {
            return targets.Count == 0
                ? ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No webhook endpoint of yours has the id in endpointId.")
                : ApiResponse.Problem(StatusCodes.Status409Conflict, EndpointDisabled, "The endpoint is disabled; enable it first.");
        }

        var deliveries = request.Service<DeliveryStore>();
        var bodyText = WebhookScheduler.BodyOf(envelope);
        var sent = new List<string>();
        foreach (var endpoint in targets)
        {
            if (await deliveries.RedeliverAsync(merchantId, endpoint.Id, envelope.Id, envelope.Type, bodyText, request.Aborted))
            {
                sent.Add(endpoint.Id);
            }
        }

        await request.Service<IWebhookWorkers>().WakeAsync([.. sent.Select(id => new EndpointWork(merchantId, id))], request.Aborted);
        return new ApiResponse(StatusCodes.Status202Accepted, ApiResponse.Serialize(new Redelivery(envelope.Id, sent)), ApiResponse.Json);
    }

    private static ApiResponse Invalid(string detail) => ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed, detail);
}

/// <param name="EndpointId">The endpoint to send it to; left out: every enabled endpoint that subscribes to the event's type.</param>
public sealed record RedeliveryRequest(string? EndpointId = null) : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate() =>
        EndpointId is not null && !ResourceIds.IsValid(EndpointId, WebhookEndpointStore.IdPrefix)
            ? new Dictionary<string, string[]> { ["endpointId"] = ["Not a webhook endpoint id (we_…)."] }
            : new Dictionary<string, string[]>();
}

/// <param name="EndpointIds">The endpoints it is being sent to.</param>
public sealed record Redelivery(string EventId, IReadOnlyList<string> EndpointIds);
