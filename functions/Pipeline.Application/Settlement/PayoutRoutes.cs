using Microsoft.Extensions.Options;
using Pipeline.Application.Http;

namespace Pipeline.Application.Settlement;

/// <summary>Payouts: each one, its SEPA file, and the admin's booking of a payout the bank returned.</summary>
public static class PayoutRoutes
{
    public const int ReturnReasonLengthMax = 200;

    public static readonly ApiRoute Get = new("GetPayout", "GET", "v1/payouts/{id}", Access.MerchantOrAdmin,
        "A payout: amount, account, status (created or returned) and whether a SEPA file can be fetched.", GetAsync, null, typeof(PayoutView));

    public static readonly ApiRoute Pain001 = new("GetPayoutPain001", "GET", "v1/payouts/{id}/pain001", Access.MerchantOrAdmin,
        "The payout as an ISO 20022 pain.001.001.09 SEPA credit transfer (application/xml, valid against the EPC 2023 schema); EUR payouts only.",
        Pain001Async, null, null);

    public static readonly ApiRoute Return = new("ReturnPayout", "POST", "v1/payouts/{id}/returned", Access.Admin,
        "Books a payout the bank returned: the money goes back to the merchant's revenue, is owed again by its next settlement in the "
        + "currency, and a payout.returned event goes out.", ReturnAsync, typeof(ReturnPayoutRequest), typeof(PayoutView));

    private static async Task<ApiResponse> GetAsync(ApiRequest request)
    {
        var payout = await request.Service<SettlementStore>().GetPayoutAsync(request.Caller.MerchantId, request.Route("id"), request.Aborted);
        return payout is null ? NotFound() : ApiResponse.Ok(PayoutView.Of(payout));
    }

    private static async Task<ApiResponse> Pain001Async(ApiRequest request)
    {
        var payout = await request.Service<SettlementStore>().GetPayoutAsync(request.Caller.MerchantId, request.Route("id"), request.Aborted);
        if (payout is null)
        {
            return NotFound();
        }

        return PayoutFiles.IsSepa(payout.Currency)
            ? new ApiResponse(StatusCodes.Status200OK, PayoutFiles.Pain001Of(payout, request.Service<IOptions<SettlementOptions>>().Value), "application/xml; charset=utf-8")
            : ApiResponse.Problem(StatusCodes.Status409Conflict, SettlementErrors.PayoutNotSepa,
                $"Payout {payout.Id} is in {payout.Currency}: SEPA files are for EUR payouts; send it with the instruction GET /payouts/{{id}} shows.");
    }

    private static async Task<ApiResponse> ReturnAsync(ApiRequest request)
    {
        if (request.TryRead<ReturnPayoutRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var (outcome, payout) = await request.Service<SettlementStore>().ReturnPayoutAsync(request.Route("id"), body.Reason.Trim(), request.Aborted);
        return outcome switch
        {
            ReturnOutcome.Returned => ApiResponse.Ok(PayoutView.Of(payout!)),
            ReturnOutcome.AlreadyReturned => ApiResponse.Problem(StatusCodes.Status409Conflict, SettlementErrors.PayoutAlreadyReturned, "This payout was booked as returned before."),
            _ => NotFound(),
        };
    }

    private static ApiResponse NotFound() => ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No payout of yours has this id.");

    /// <param name="Reason">What the bank said (its return reason code and text).</param>
    public sealed record ReturnPayoutRequest(string Reason) : IValidatable
    {
        public IReadOnlyDictionary<string, string[]> Validate() =>
            string.IsNullOrWhiteSpace(Reason) || Reason.Trim().Length > ReturnReasonLengthMax
                ? new Dictionary<string, string[]> { ["reason"] = [$"Give the bank's reason, 1 to {ReturnReasonLengthMax} characters."] }
                : new Dictionary<string, string[]>();
    }
}

/// <summary>Stable codes of settlement refusals.</summary>
public static class SettlementErrors
{
    public const string PayoutNotSepa = "payout_not_sepa";
    public const string PayoutAlreadyReturned = "payout_already_returned";
}
