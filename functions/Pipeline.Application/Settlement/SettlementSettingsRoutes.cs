using Pipeline.Application.Http;
using Pipeline.Application.Merchants;
using Pipeline.Domain.Monetary;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Settlement;

/// <summary>Admin routes that set how a merchant is settled and where its payouts go (both kept on the merchant).</summary>
public static class SettlementSettingsRoutes
{
    public static readonly ApiRoute SetSettings = new("SetMerchantSettlementSettings", "PUT", "v1/merchants/{id}/settlement-settings", Access.Admin,
        "Sets the merchant's settlement day (time zone and cut-off), rolling reserve and minimum payouts; the next run uses them.",
        SetSettingsAsync, typeof(SettlementSettingsRequest), typeof(MerchantView));

    public static readonly ApiRoute SetPayoutAccount = new("SetMerchantPayoutAccount", "PUT", "v1/merchants/{id}/payout-account", Access.Admin,
        "Sets the bank account the merchant's payouts are sent to (a SEPA IBAN; BIC optional); payouts made before keep the account they named.",
        SetPayoutAccountAsync, typeof(PayoutAccountRequest), typeof(MerchantView));

    private static async Task<ApiResponse> SetSettingsAsync(ApiRequest request)
    {
        if (request.TryRead<SettlementSettingsRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var settings = new SettlementSettings(body.TimeZone, body.CutoffLocalTime ?? "24:00", body.ReservePercentBps, body.ReserveDays, body.MinimumPayouts);
        var merchant = await request.Service<MerchantStore>().SetSettlementSettingsAsync(request.Route("id"), settings, request.Aborted);
        return merchant is null ? NotFound() : ApiResponse.Ok(merchant);
    }

    private static async Task<ApiResponse> SetPayoutAccountAsync(ApiRequest request)
    {
        if (request.TryRead<PayoutAccountRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var account = body.Normalized();
        var merchant = await request.Service<MerchantStore>().SetPayoutAccountAsync(request.Route("id"), account, request.Aborted);
        return merchant is null ? NotFound() : ApiResponse.Ok(merchant);
    }

    private static ApiResponse NotFound() =>
        ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No merchant has this id.");

    /// <param name="CutoffLocalTime">"HH:mm"; 24:00 (midnight at the end of the day) when left out.</param>
    public sealed record SettlementSettingsRequest(
        string TimeZone, string? CutoffLocalTime = null, int ReservePercentBps = 0, int ReserveDays = 0, IReadOnlyDictionary<string, long>? MinimumPayouts = null) : IValidatable
    {
        public IReadOnlyDictionary<string, string[]> Validate()
        {
            var errors = new Dictionary<string, string[]>();
            if (TimeZone is not { Length: > 0 and <= SettlementLimits.TimeZoneLengthMax } || !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
            {
                errors["timeZone"] = ["Give an IANA time zone, e.g. Europe/Berlin."];
            }

            if (CutoffLocalTime is not null && SettlementSettings.CutoffMinutesOf(CutoffLocalTime) is null)
            {
                errors["cutoffLocalTime"] = ["Give a local time \"HH:mm\" from 00:01 to 24:00 (midnight at the end of the day)."];
            }

            if (ReservePercentBps is < 0 or > FeeRule.PercentBpsMax)
            {
                errors["reservePercentBps"] = [$"Use 0 to {FeeRule.PercentBpsMax} basis points."];
            }

            if (ReserveDays is < 0 or > SettlementLimits.ReserveDaysMax || (ReservePercentBps > 0 && ReserveDays == 0))
            {
                errors["reserveDays"] = [$"Use 1 to {SettlementLimits.ReserveDaysMax} days (0 only without a reserve)."];
            }

            if (MinimumPayouts is { } minimums && (minimums.Count > SettlementLimits.MinimumPayoutCurrenciesMax
                || minimums.Any(m => !Currency.TryParse(m.Key, out _) || m.Value is < 0 or > AmountLimits.AmountMinorMax)))
            {
                errors["minimumPayouts"] = [$"Up to {SettlementLimits.MinimumPayoutCurrenciesMax} ISO 4217 codes, each with 0 to {AmountLimits.AmountMinorMax} minor units."];
            }

            return errors;
        }
    }

    public sealed record PayoutAccountRequest(string Name, string Iban, string? Bic = null) : IValidatable
    {
        public PayoutAccount Normalized()
        {
            Domain.Banking.Iban.TryNormalize(Iban, out var iban);
            string? bic = null;
            if (Bic is not null)
            {
                Domain.Banking.Bic.TryNormalize(Bic, out bic);
            }

            return new PayoutAccount(Name.Trim(), iban, bic);
        }

        public IReadOnlyDictionary<string, string[]> Validate()
        {
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(Name) || Name.Trim().Length > SettlementLimits.PayoutAccountNameLengthMax)
            {
                errors["name"] = [$"Give the account holder's name, 1 to {SettlementLimits.PayoutAccountNameLengthMax} characters."];
            }

            if (!Domain.Banking.Iban.TryNormalize(Iban, out _))
            {
                errors["iban"] = ["Give a valid IBAN (ISO 13616: the country's length and check digits), e.g. DE89 3704 0044 0532 0130 00."];
            }

            if (Bic is not null && !Domain.Banking.Bic.TryNormalize(Bic, out _))
            {
                errors["bic"] = ["Give a BIC of 8 or 11 characters (ISO 9362), or leave it out."];
            }

            return errors;
        }
    }
}
