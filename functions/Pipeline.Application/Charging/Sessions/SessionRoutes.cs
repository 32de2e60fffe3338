using System.Globalization;
using System.Text.Json;
using Pipeline.Application.Http;

namespace Pipeline.Application.Charging.Sessions;

/// <summary>Charging sessions: stations' OCPP transaction events in, and the sessions they make (docs/CHARGING.md "Sessions").</summary>
public static class SessionRoutes
{
    public static readonly ApiRoute TransactionEvent = new("PostTransactionEvent", "POST", "v1/charging/stations/{stationId}/transaction-events", Access.Device,
        "An OCPP 2.0.1 TransactionEventRequest from the station's device (signed), answered with a TransactionEventResponse: idTokenInfo "
        + "(Accepted, Invalid, Blocked, NoCredit) when it carried a token or the session must stop, the running cost on the display, totalCost "
        + "on Ended. Events may come late, twice or out of order: the session depends only on the set of events (by seqNo). The same seqNo "
        + $"with other content is 409 {TransactionEventRecorder.EventConflict}.",
        PostEventAsync, typeof(TransactionEventRequest), typeof(TransactionEventResponse))
    {
        SuccessStatus = StatusCodes.Status200OK, // An OCPP answer, whether the event started a session or not.
    };

    public static readonly ApiRoute Get = new("GetChargingSession", "GET", "v1/charging/sessions/{id}", Access.Merchant,
        "A session: its state, energy, times, hold, the cost per dimension with VAT (running until it ends), what was captured and released, "
        + "and its CDR (OCPI 2.2.1) once completed.", GetAsync, null, typeof(SessionView));

    public static readonly ApiRoute List = new("ListChargingSessions", "GET", "v1/charging/sessions", Access.Merchant,
        "The merchant's sessions, newest first; ?stationId=&status=&limit=&after=.", ListAsync, null, typeof(SessionsPage))
    {
        Query =
        [
            new("stationId", "Only this station's sessions."),
            new("status", "Only sessions in this status.", Values: [.. Statuses.Keys]),
            new("limit", "Page size.", Minimum: 1, Maximum: ChargingLimits.PageSizeMax),
            new("after", "The next cursor of the previous page."),
        ],
    };

    private static Dictionary<string, SessionStatus> Statuses =>
        Enum.GetValues<SessionStatus>().ToDictionary(s => JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()), StringComparer.Ordinal);

    private static async Task<ApiResponse> PostEventAsync(ApiRequest request)
    {
        var stationId = request.Route("stationId");
        if (!ChargingStationStore.IsStationId(stationId))
        {
            return ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No station has this id.");
        }

        if (request.TryRead<TransactionEventRequest>(out var body) is { } problem)
        {
            return problem;
        }

        return await request.Service<TransactionEventRecorder>().RecordAsync(request.Caller, stationId, body, request.Aborted);
    }

    private static async Task<ApiResponse> GetAsync(ApiRequest request) =>
        ResourceIds.IsValid(request.Route("id"), ChargingSessionStore.IdPrefix)
        && await request.Service<ChargingSessionStore>().GetAsync(request.Caller.MerchantId!, request.Route("id"), request.Aborted) is { } session
            ? ApiResponse.Ok(SessionViews.Of(session))
            : ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No session of yours has this id.");

    private static async Task<ApiResponse> ListAsync(ApiRequest request)
    {
        var query = request.Http.Request.Query;
        if (request.TryReadLimit(ChargingLimits.PageSizeDefault, ChargingLimits.PageSizeMax, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var stationId = query["stationId"].FirstOrDefault();
        if (stationId is not null && !ChargingStationStore.IsStationId(stationId))
        {
            errors["stationId"] = [$"1 to {ChargingLimits.StationIdLengthMax} letters, digits, '.', '_' or '-'."];
        }

        SessionStatus? status = null;
        if (query["status"].FirstOrDefault() is { } statusText)
        {
            if (Statuses.TryGetValue(statusText, out var parsed))
            {
                status = parsed;
            }
            else
            {
                errors["status"] = [$"One of {string.Join(", ", Statuses.Keys)}."];
            }
        }

        var after = ParseCursor(query["after"].FirstOrDefault(), out var cursorValid);
        if (!cursorValid)
        {
            errors["after"] = ["The next cursor of a previous page."];
        }

        if (errors.Count > 0)
        {
            return ApiResponse.Invalid(StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed, "Some query parameters are invalid.", errors);
        }

        var (sessions, next) = await request.Service<ChargingSessionStore>().ListAsync(request.Caller.MerchantId!, stationId, status, limit, after, request.Aborted);
        return ApiResponse.Ok(new SessionsPage([.. sessions.Select(SessionViews.Of)], next));
    }

    /// <summary>A cursor is <c>session:&lt;createdMicros&gt;:&lt;id&gt;</c>, as a page's next gives it.</summary>
    private static (long, string)? ParseCursor(string? text, out bool valid)
    {
        valid = true;
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(':');
        if (parts.Length == 3 && parts[0] + ":" == ChargingSessionStore.CursorPrefix
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var micros) && ResourceIds.IsValid(parts[2], ChargingSessionStore.IdPrefix))
        {
            return (micros, parts[2]);
        }

        valid = false;
        return null;
    }
}
