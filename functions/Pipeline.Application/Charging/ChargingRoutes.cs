using Pipeline.Application.Devices;
using Pipeline.Application.Http;
using Pipeline.Application.Wallets;

namespace Pipeline.Application.Charging;

/// <summary>Charging stations and the tokens drivers present at them (docs/CHARGING.md).</summary>
public static class ChargingRoutes
{
    public static readonly ApiRoute PutStation = new("PutChargingStation", "PUT", "v1/charging/stations/{stationId}", Access.Merchant,
        $"Creates or replaces a station: the charger device that signs its requests, the tariff its sessions are priced with, its location's time zone, "
        + $"and caps on one session's energy (Wh) and duration (seconds). The station id is 1 to {ChargingLimits.StationIdLengthMax} letters, digits, "
        + "'.', '_' or '-'. 201 when created, 200 when replaced.",
        PutStationAsync, typeof(PutStationRequest), typeof(StationView));

    public static readonly ApiRoute GetStation = new("GetChargingStation", "GET", "v1/charging/stations/{stationId}", Access.Merchant,
        "A station.", GetStationAsync, null, typeof(StationView));

    public static readonly ApiRoute CreateToken = new("CreateChargingToken", "POST", "v1/charging/tokens", Access.Merchant,
        "Registers a token a driver presents (an OCPP 2.0.1 idToken and its type) and the wallet its sessions are paid from. The same token twice "
        + "is 409 already_exists.", CreateTokenAsync, typeof(CreateTokenRequest), typeof(ChargingTokenView));

    public static readonly ApiRoute GetToken = new("GetChargingToken", "GET", "v1/charging/tokens/{id}", Access.Merchant,
        "A token.", GetTokenAsync, null, typeof(ChargingTokenView));

    public static readonly ApiRoute BlockToken = new("BlockChargingToken", "POST", "v1/charging/tokens/{id}/block", Access.Merchant,
        "Blocks a token: stations are answered Blocked for it from now on. Blocking a blocked token changes nothing.", BlockAsync, null, typeof(ChargingTokenView))
    {
        SuccessStatus = StatusCodes.Status200OK,
    };

    public static readonly ApiRoute UnblockToken = new("UnblockChargingToken", "POST", "v1/charging/tokens/{id}/unblock", Access.Merchant,
        "Makes a blocked token active again.", UnblockAsync, null, typeof(ChargingTokenView))
    {
        SuccessStatus = StatusCodes.Status200OK,
    };

    private static async Task<ApiResponse> PutStationAsync(ApiRequest request)
    {
        var id = request.Route("stationId");
        if (!ChargingStationStore.IsStationId(id))
        {
            return ApiResponse.Invalid(StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed, "Not a station id.",
                new Dictionary<string, string[]> { ["stationId"] = [$"1 to {ChargingLimits.StationIdLengthMax} letters, digits, '.', '_' or '-'."] });
        }

        if (request.TryRead<PutStationRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var merchantId = request.Caller.MerchantId!;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (await request.Service<DeviceStore>().FindAsync(body.DeviceId, request.Aborted) is not { Kind: DeviceKind.Charger } device || device.MerchantId != merchantId)
        {
            errors["deviceId"] = ["None of your chargers has this id (POST /api/v1/devices with kind charger)."];
        }

        if (await request.Service<TariffStore>().GetAsync(merchantId, body.TariffId, request.Aborted) is null)
        {
            errors["tariffId"] = ["None of your tariffs has this id (PUT /api/v1/tariffs/{id})."];
        }

        if (errors.Count > 0)
        {
            return ApiResponse.Invalid(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed, "The station names what you do not have.", errors);
        }

        var (station, created) = await request.Service<ChargingStationStore>().PutAsync(merchantId, id, body, request.Aborted);
        return created ? ApiResponse.Created(station.ToView()) : ApiResponse.Ok(station.ToView());
    }

    private static async Task<ApiResponse> GetStationAsync(ApiRequest request) =>
        ChargingStationStore.IsStationId(request.Route("stationId"))
        && await request.Service<ChargingStationStore>().GetAsync(request.Caller.MerchantId!, request.Route("stationId"), request.Aborted) is { } station
            ? ApiResponse.Ok(station.ToView())
            : ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No station of yours has this id.");

    private static async Task<ApiResponse> CreateTokenAsync(ApiRequest request)
    {
        if (request.TryRead<CreateTokenRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var merchantId = request.Caller.MerchantId!;
        if (await request.Service<WalletStore>().GetAsync(merchantId, body.WalletId, request.Aborted) is null)
        {
            return ApiResponse.Invalid(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed, "The token names a wallet you do not have.",
                new Dictionary<string, string[]> { ["walletId"] = ["None of your wallets has this id."] });
        }

        return await request.Service<ChargingTokenStore>().CreateAsync(merchantId, body, request.Aborted) is { } token
            ? ApiResponse.Created(token.ToView())
            : ApiResponse.Problem(StatusCodes.Status409Conflict, ErrorCodes.AlreadyExists,
                $"This token is registered already as {ChargingTokenStore.IdOf(merchantId, body.Type, body.IdToken)}.");
    }

    private static async Task<ApiResponse> GetTokenAsync(ApiRequest request) =>
        IsTokenId(request.Route("id")) && await request.Service<ChargingTokenStore>().GetAsync(request.Caller.MerchantId!, request.Route("id"), request.Aborted) is { } token
            ? ApiResponse.Ok(token.ToView())
            : TokenNotFound();

    private static Task<ApiResponse> BlockAsync(ApiRequest request) => SetStatusAsync(request, TokenStatus.Blocked);

    private static Task<ApiResponse> UnblockAsync(ApiRequest request) => SetStatusAsync(request, TokenStatus.Active);

    private static async Task<ApiResponse> SetStatusAsync(ApiRequest request, TokenStatus status) =>
        IsTokenId(request.Route("id")) && await request.Service<ChargingTokenStore>().SetStatusAsync(request.Caller.MerchantId!, request.Route("id"), status, request.Aborted) is { } token
            ? ApiResponse.Ok(token.ToView())
            : TokenNotFound();

    private static bool IsTokenId(string id) => ResourceIds.IsValid(id, ChargingTokenStore.IdPrefix);

    private static ApiResponse TokenNotFound() => ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No token of yours has this id.");
}
