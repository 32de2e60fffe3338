using Pipeline.Application.Http;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Merchants;

/// <summary>Admin routes that onboard merchants: create (API key shown once), rotate keys, set pricing.</summary>
public static class MerchantRoutes
{
    public static readonly ApiRoute Create = new("CreateMerchant", "POST", "v1/merchants", Access.Admin,
        "Creates a merchant; the response holds its API key, shown only this once (a replay of the Idempotency-Key, or a retry that finds "
        + "the merchant its first attempt made, answers without it, with secretNotice).", CreateAsync, typeof(CreateMerchantRequest), typeof(CreatedMerchant));

    public static readonly ApiRoute RotateKey = new("RotateMerchantApiKey", "POST", "v1/merchants/{id}/api-keys", Access.Admin,
        "Issues a new API key, shown only this once (a replay of the Idempotency-Key answers without it, with secretNotice); the previous "
        + "one stays valid until the next rotation.", RotateKeyAsync, null, typeof(RotatedKey));

    public static readonly ApiRoute SetPricing = new("SetMerchantPricing", "PUT", "v1/merchants/{id}/pricing", Access.Admin,
        "Sets what the platform charges the merchant per captured payment in the pricing's currency, from now on (captures made before keep "
        + "their price); fees are taken at settlement (docs/SETTLEMENT.md).", SetPricingAsync, typeof(PricingRequest), typeof(MerchantView));

    public static readonly ApiRoute Me = new("GetOwnMerchant", "GET", "v1/merchants/me", Access.Merchant,
        "The calling merchant, as its API key identifies it.", MeAsync, null, typeof(MerchantView));

    private static async Task<ApiResponse> MeAsync(ApiRequest request)
    {
        var merchant = await request.Service<MerchantStore>().GetAsync(request.Caller.MerchantId!, request.Aborted);
        return merchant is null ? NotFound() : ApiResponse.Ok(merchant);
    }

    private static async Task<ApiResponse> CreateAsync(ApiRequest request)
    {
        if (request.TryRead<CreateMerchantRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var created = await request.Service<MerchantStore>().CreateAsync(body.Name.Trim(), request.IdempotencyKey, request.Aborted);
        if (created is null)
        {
            return ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, ErrorCodes.IdempotencyKeyReused,
                "This Idempotency-Key was used for a different merchant; use a new key.");
        }

        var merchant = new CreatedMerchant(created.Merchant.Id, created.Merchant.Name, created.ApiKey, created.Merchant.CreatedAt);
        return ApiResponse.Created(created.ApiKey is null ? merchant.WithoutSecret() : merchant);
    }

    private static async Task<ApiResponse> RotateKeyAsync(ApiRequest request)
    {
        var id = request.Route("id");
        var key = await request.Service<MerchantStore>().RotateApiKeyAsync(id, request.Aborted);
        return key is null ? NotFound() : ApiResponse.Created(new RotatedKey(id, key));
    }

    /// <summary>What a replay of a response with an API key says instead of the key.</summary>
    private static string KeyNotice(string merchantId) =>
        $"The API key is shown only once, in the first response. Issue a new one with POST /api/v1/merchants/{merchantId}/api-keys "
        + $"(a merchant holds its {MerchantStore.ActiveKeysMax} newest keys).";

    private static async Task<ApiResponse> SetPricingAsync(ApiRequest request)
    {
        if (request.TryRead<PricingRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var merchant = await request.Service<MerchantStore>().SetPricingAsync(
            request.Route("id"), new Pricing(body.PercentBps, body.FixedMinor, body.Currency), request.Aborted);
        return merchant is null ? NotFound() : ApiResponse.Ok(merchant);
    }

    private static ApiResponse NotFound() =>
        ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No merchant has this id.");

    public sealed record CreateMerchantRequest(string Name) : IValidatable
    {
        public IReadOnlyDictionary<string, string[]> Validate() =>
            string.IsNullOrWhiteSpace(Name) || Name.Length > ApiLimits.NameLengthMax
                ? new Dictionary<string, string[]> { ["name"] = [$"Give a name of 1 to {ApiLimits.NameLengthMax} characters."] }
                : new Dictionary<string, string[]>();
    }

    public sealed record PricingRequest(int PercentBps, long FixedMinor, string Currency) : IValidatable
    {
        public IReadOnlyDictionary<string, string[]> Validate()
        {
            var errors = new Dictionary<string, string[]>();
            if (PercentBps is < 0 or > FeeRule.PercentBpsMax)
            {
                errors["percentBps"] = [$"Use 0 to {FeeRule.PercentBpsMax} basis points."];
            }

            if (FixedMinor is < 0 or > FeeRule.FixedMinorMax)
            {
                errors["fixedMinor"] = [$"Use 0 to {FeeRule.FixedMinorMax} minor units."];
            }

            if (!Domain.Monetary.Currency.TryParse(Currency, out _))
            {
                errors["currency"] = ["Use an active ISO 4217 code in upper case, e.g. EUR."];
            }

            return errors;
        }
    }

    /// <param name="ApiKey">The merchant's first API key, in the first response only.</param>
    public sealed record CreatedMerchant(string Id, string Name, string? ApiKey, DateTimeOffset CreatedAt) : IShownOnce
    {
        /// <summary>Instead of <see cref="ApiKey"/> in a replay: why it is missing and how to get a new one.</summary>
        public string? SecretNotice { get; init; }

        public object WithoutSecret() => this with { ApiKey = null, SecretNotice = KeyNotice(Id) };
    }

    /// <param name="ApiKey">The new API key, in the first response only.</param>
    public sealed record RotatedKey(string MerchantId, string? ApiKey) : IShownOnce
    {
        /// <summary>Instead of <see cref="ApiKey"/> in a replay: why it is missing and how to get a new one.</summary>
        public string? SecretNotice { get; init; }

        public object WithoutSecret() => this with { ApiKey = null, SecretNotice = KeyNotice(MerchantId) };
    }
}
