using System.Text.RegularExpressions;
using Pipeline.Application.Http;
using Pipeline.Domain.Charging;

namespace Pipeline.Application.Charging;

/// <summary>A charge point operator's OCPI 2.2.1 tariffs, and prices quoted with them (docs/CHARGING.md).</summary>
public static partial class TariffRoutes
{
    public static readonly ApiRoute Put = new("PutTariff", "PUT", "v1/tariffs/{id}", Access.Merchant,
        "Creates or replaces a tariff: the body is an OCPI 2.2.1 Tariff object as OCPI writes it (snake_case). Every bad field is named by its path. "
        + "The id is 1 to 36 letters, digits, '.', '_' or '-'; an id in the body must be the same. 201 when created, 200 when replaced.",
        PutAsync, typeof(OcpiTariff), typeof(OcpiTariff));

    public static readonly ApiRoute Get = new("GetTariff", "GET", "v1/tariffs/{id}", Access.Merchant,
        "A tariff, as OCPI writes it; last_updated is when it was stored.", GetAsync, null, typeof(OcpiTariff));

    public static readonly ApiRoute List = new("ListTariffs", "GET", "v1/tariffs", Access.Merchant,
        "The merchant's tariffs by id; ?limit=&after=.", ListAsync, null, typeof(TariffsPage))
    {
        Query =
        [
            new("limit", "Page size.", Minimum: 1, Maximum: ChargingLimits.PageSizeMax),
            new("after", "The next cursor of the previous page."),
        ],
    };

    public static readonly ApiRoute Price = new("PriceWithTariff", "POST", "v1/tariffs/{id}/price", Access.Merchant,
        "Prices a session with the tariff exactly as OCPI 2.2.1 defines it: the body is a CDR's start_date_time, end_date_time, charging_periods "
        + "and the location's time_zone; the answer is the CDR's totals and each period's cost. Nothing is stored or charged.",
        PriceAsync, typeof(PriceQuoteRequest), typeof(PriceQuote))
    {
        SuccessStatus = StatusCodes.Status200OK,
    };

    private static async Task<ApiResponse> PutAsync(ApiRequest request)
    {
        var id = request.Route("id");
        if (!TariffId().IsMatch(id))
        {
            return BadId();
        }

        if (request.TryRead<OcpiTariff>(out var body) is { } problem)
        {
            return problem;
        }

        if (body.Id is { } bodyId && !string.Equals(bodyId, id, StringComparison.Ordinal))
        {
            return ApiResponse.Invalid(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed, "The tariff's id differs from the one in the path.",
                new Dictionary<string, string[]> { ["id"] = [$"Leave it out or give {id}."] });
        }

        var (stored, created) = await request.Service<TariffStore>().PutAsync(request.Caller.MerchantId!, id, body, request.Aborted);
        return created ? ApiResponse.Created(stored) : ApiResponse.Ok(stored);
    }

    private static async Task<ApiResponse> GetAsync(ApiRequest request) =>
        TariffId().IsMatch(request.Route("id")) && await request.Service<TariffStore>().GetAsync(request.Caller.MerchantId!, request.Route("id"), request.Aborted) is { } tariff
            ? ApiResponse.Ok(tariff)
            : NotFound();

    private static async Task<ApiResponse> ListAsync(ApiRequest request)
    {
        if (request.TryReadLimit(ChargingLimits.PageSizeDefault, ChargingLimits.PageSizeMax, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        var after = request.Http.Request.Query["after"].FirstOrDefault();
        if (after is not null && !(after.StartsWith(TariffStore.CursorPrefix, StringComparison.Ordinal) && TariffId().IsMatch(after[TariffStore.CursorPrefix.Length..])))
        {
            return ApiResponse.Invalid(StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed, "after is the nextCursor of a previous page.",
                new Dictionary<string, string[]> { ["after"] = ["The nextCursor of a previous page."] });
        }

        return ApiResponse.Ok(await request.Service<TariffStore>().ListAsync(request.Caller.MerchantId!, limit, after?[TariffStore.CursorPrefix.Length..], request.Aborted));
    }

    private static async Task<ApiResponse> PriceAsync(ApiRequest request)
    {
        var id = request.Route("id");
        if (request.TryRead<PriceQuoteRequest>(out var body) is { } problem)
        {
            return problem;
        }

        if (!TariffId().IsMatch(id) || await request.Service<TariffStore>().GetAsync(request.Caller.MerchantId!, id, request.Aborted) is not { } tariff)
        {
            return NotFound();
        }

        if (PriceQuoteValidation.Mismatches(id, tariff, body) is { Count: > 0 } mismatches)
        {
            return ApiResponse.Invalid(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed, "The session cannot be priced with this tariff.", mismatches);
        }

        var price = TariffPricing.Price(TariffValidation.ToDomain(id, tariff), PriceQuoteValidation.ToUsage(body));
        return ApiResponse.Ok(PriceQuoteValidation.ToQuote(id, price));
    }

    public static bool IsTariffId(string? id) => id is not null && TariffId().IsMatch(id);

    private static ApiResponse BadId() =>
        ApiResponse.Invalid(StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed, "A tariff id is 1 to 36 letters, digits, '.', '_' or '-'.",
            new Dictionary<string, string[]> { ["id"] = ["1 to 36 letters, digits, '.', '_' or '-'."] });

    private static ApiResponse NotFound() => ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No tariff of yours has this id.");

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,36}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TariffId();
}
