using System.Globalization;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Durable;
using Pipeline.Application.Http;
using Pipeline.Application.Merchants;

namespace Pipeline.Application.Settlement;

/// <summary>Settlement runs (admin) and the settlements they made (docs/SETTLEMENT.md).</summary>
public static class SettlementRoutes
{
    public static readonly ApiRoute StartRun = new("StartSettlementRun", "POST", "v1/settlements/runs", Access.Admin,
        "Starts a settlement run for a date: every merchant is settled up to that day's cut-off in its time zone (or up to now, for a day not over). "
        + "Runs again change nothing already settled; a later run the same day settles only what came after.",
        StartRunAsync, typeof(StartRunRequest), typeof(SettlementRunDocument))
    {
        SuccessStatus = StatusCodes.Status202Accepted,
    };

    public static readonly ApiRoute GetRun = new("GetSettlementRun", "GET", "v1/settlements/runs/{id}", Access.Admin,
        "A settlement run: running or completed, with merchants settled, settlements, payouts and failures.", GetRunAsync, null, typeof(SettlementRunDocument));

    public static readonly ApiRoute List = new("ListSettlements", "GET", "v1/settlements", Access.MerchantOrAdmin,
        "Settlements, newest first: a merchant's own; the admin names the merchant. ?merchantId=&date=&status=&limit=&after=.", ListAsync, null, typeof(SettlementsPage))
    {
        Query =
        [
            new("merchantId", "The merchant (the admin must give it; a merchant may give its own)."),
            new("date", "Only settlements of this settlement date (yyyy-MM-dd)."),
            new("status", "Only paid_out or carried settlements.", Values: ["paid_out", "carried"]),
            new("limit", "Page size.", Minimum: 1, Maximum: SettlementStore.PageSizeMax),
            new("after", "The next cursor of the previous page."),
        ],
    };

    public static readonly ApiRoute Get = new("GetSettlement", "GET", "v1/settlements/{id}", Access.MerchantOrAdmin,
        "One settlement's totals; with 'Accept: text/csv', its report: one row per payment, fee, refund, reserve movement, carried amount and "
        + "returned payout, then the net, the payout and the amount carried out.", GetAsync, null, typeof(SettlementView));

    /// <summary>How far ahead of today (UTC) a run's date may be: the merchants furthest east are a day ahead.</summary>
    private const int DaysAheadMax = 1;

    private static async Task<ApiResponse> StartRunAsync(ApiRequest request)
    {
        if (request.TryRead<StartRunRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var time = request.Service<TimeProvider>();
        if (body.Date > DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(DaysAheadMax))
        {
            return ApiResponse.Invalid(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed, "A run settles a day that has begun somewhere.",
                new Dictionary<string, string[]> { ["date"] = [$"Give today's date or an earlier one (at most {DaysAheadMax} day ahead of UTC)."] });
        }

        var client = request.Service<DurableClientSlot>().Client
            ?? throw new InvalidOperationException("No Durable client: the host hands it over before settlement runs can start.");
        var runId = SettlementRuns.RequestedRunIdOf(request.Caller.IdempotencyScope, request.IdempotencyKey);
        var run = await request.Service<SettlementRuns>().StartAsync(client, runId, body.Date, "request", body.MerchantIds?.Distinct(StringComparer.Ordinal).ToList(), request.Aborted);
        return new ApiResponse(StatusCodes.Status202Accepted, ApiResponse.Serialize(run), "application/json");
    }

    private static async Task<ApiResponse> GetRunAsync(ApiRequest request)
    {
        var run = await request.Service<SettlementRuns>().GetAsync(request.Route("id"), request.Aborted);
        return run is null ? NotFound("No settlement run has this id.") : ApiResponse.Ok(run);
    }

    private static async Task<ApiResponse> ListAsync(ApiRequest request)
    {
        if (request.TryReadLimit(SettlementStore.PageSizeDefault, SettlementStore.PageSizeMax, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        var merchantId = request.QueryValue("merchantId");
        if (request.Caller.MerchantId is { } own && merchantId is not null && merchantId != own)
        {
            return NotFound("No merchant of yours has this id.");
        }

        merchantId ??= request.Caller.MerchantId;
        if (merchantId is null)
        {
            return ApiResponse.InvalidField("merchantId", "The admin names the merchant whose settlements to list.");
        }

        DateOnly? date = null;
        if (request.QueryValue("date") is { } dateText)
        {
            if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                return ApiResponse.InvalidField("date", "Give a date as yyyy-MM-dd.");
            }

            date = parsed;
        }

        var status = request.QueryValue("status");
        if (status is not (null or "paid_out" or "carried"))
        {
            return ApiResponse.InvalidField("status", "Use paid_out or carried.");
        }

        (long Micros, string Id)? after = null;
        if (request.QueryValue("after") is { } afterText && (after = NewestFirstCursor.Parse(afterText, SettlementStore.IsSettlementId)) is null)
        {
            return ApiResponse.InvalidField("after", "Give the next cursor of a previous page.");
        }

        return ApiResponse.Ok(await request.Service<SettlementStore>().ListAsync(merchantId, date, status, limit, after, request.Aborted));
    }

    private static async Task<ApiResponse> GetAsync(ApiRequest request)
    {
        var store = request.Service<SettlementStore>();
        var settlement = await store.GetAsync(request.Caller.MerchantId, request.Route("id"), request.Aborted);
        if (settlement is null)
        {
            return NotFound("No settlement of yours has this id.");
        }

        return WantsCsv(request)
            ? new ApiResponse(StatusCodes.Status200OK, SettlementCsv.Write(settlement, await store.LinesAsync(settlement, request.Aborted)), SettlementCsv.ContentType)
            : ApiResponse.Ok(SettlementView.Of(settlement));
    }

    private static bool WantsCsv(ApiRequest request) =>
        request.Http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));

    private static ApiResponse NotFound(string detail) => ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, detail);

    /// <param name="MerchantIds">Only these merchants (e.g. one settled again after a fix); every merchant when left out.</param>
    public sealed record StartRunRequest(DateOnly Date, IReadOnlyList<string>? MerchantIds = null) : IValidatable
    {
        public IReadOnlyDictionary<string, string[]> Validate()
        {
            var errors = new Dictionary<string, string[]>();
            if (Date == default)
            {
                errors["date"] = ["Give the settlement date, yyyy-MM-dd."];
            }

            if (MerchantIds is { } ids && (ids.Count is 0 or > SettlementLimits.RunMerchantIdsMax || ids.Any(id => !MerchantStore.IsMerchantId(id))))
            {
                errors["merchantIds"] = [$"Give 1 to {SettlementLimits.RunMerchantIdsMax} merchant ids (mer_…), or leave it out to settle every merchant."];
            }

            return errors;
        }
    }
}
