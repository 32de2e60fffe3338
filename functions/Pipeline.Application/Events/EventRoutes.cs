using System.Globalization;
using Pipeline.Application.Http;

namespace Pipeline.Application.Events;

/// <summary>The merchant's events as they were relayed (docs/EVENTS.md): a pollable log, and each event by id.</summary>
public static class EventRoutes
{
    public static readonly ApiRoute List = new("ListEvents", "GET", "v1/events", Access.Merchant,
        "The merchant's events, oldest first, after a cursor: poll with ?after=<next> to read every event once. ?type=&after=&limit=.",
        ListAsync, null, typeof(EventsPage))
    {
        Query =
        [
            new("type", "Only events of this type, e.g. payment.succeeded."),
            new("limit", "Page size.", Minimum: 1, Maximum: EventLimits.PageSizeMax),
            new("after", "The next cursor of the previous page (0 or absent: from the oldest event kept)."),
        ],
    };

    public static readonly ApiRoute Get = new("GetEvent", "GET", "v1/events/{id}", Access.Merchant,
        "One event, as webhooks and Service Bus deliver it.", GetAsync, null, typeof(EventEnvelope));

    private const int TypeLengthMax = 100;

    private static async Task<ApiResponse> ListAsync(ApiRequest request)
    {
        var query = request.Http.Request.Query;
        if (request.TryReadLimit(EventLimits.PageSizeDefault, EventLimits.PageSizeMax, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        var after = 0L;
        if (query.TryGetValue("after", out var afterText)
            && !(afterText.Count == 1 && afterText[0] is { Length: > 0 and <= 18 } text && text.All(char.IsAsciiDigit)
                && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out after)))
        {
            return Invalid("after must be the next cursor of a previous page.");
        }

        string? type = null;
        if (query.TryGetValue("type", out var typeText))
        {
            type = typeText.Count == 1 ? typeText[0] : null;
            if (type is not { Length: > 0 and <= TypeLengthMax })
            {
                return Invalid("type must be one event type, e.g. payment.succeeded (docs/EVENTS.md).");
            }
        }

        var page = await request.Service<EventLog>().ListAsync(request.Caller.MerchantId!, type, after, limit, request.Aborted);
        return ApiResponse.Ok(page);
    }

    private static async Task<ApiResponse> GetAsync(ApiRequest request)
    {
        var found = await request.Service<EventLog>().GetAsync(request.Caller.MerchantId!, request.Route("id"), request.Aborted);
        return found is null
            ? ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No event of yours has this id (events are kept 30 days).")
            : ApiResponse.Ok(found);
    }

    private static ApiResponse Invalid(string detail) =>
        ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed, detail);
}
