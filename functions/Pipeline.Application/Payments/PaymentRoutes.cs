using System.Text.Json;
using Pipeline.Application.Http;
using Pipeline.Application.Merchants;
using Pipeline.Domain.Payments;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Payments;

/// <summary>Payments from wallets: pay now (automatic) or hold and capture later (manual); increments, cancels, refunds.</summary>
public static class PaymentRoutes
{
    public static readonly ApiRoute Create = new("CreatePayment", "POST", "v1/payments", Access.Merchant,
        "Pays from a wallet: at once (captureMethod automatic) or as a hold to capture later (manual). A wallet that cannot pay gets 402.",
        CreateAsync, typeof(CreatePaymentRequest), typeof(PaymentView));

    public static readonly ApiRoute Get = new("GetPayment", "GET", "v1/payments/{id}", Access.Merchant,
        "A payment: status, amounts authorised, capturable, captured and refunded, its holds and refunds.", GetAsync, null, typeof(PaymentView));

    public static readonly ApiRoute List = new("ListPayments", "GET", "v1/payments", Access.Merchant,
        "The merchant's payments, newest first; ?status=&limit=&after=.", ListAsync, null, typeof(PaymentsPage))
    {
        Query =
        [
            new("status", "Only payments in this status.", Values: [.. Enum.GetValues<PaymentStatus>().Select(s => JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()))]),
            new("limit", "Page size.", Minimum: 1, Maximum: PaymentLimits.PageSizeMax),
            new("after", "The next cursor of the previous page."),
        ],
    };

    public static readonly ApiRoute Capture = Operation("CapturePayment", "capture", PaymentOperationKind.Capture,
        "Captures all or part of a manual payment; what is not captured is released at once. Body optional.",
        new CaptureRequest(), r => r.Amount);

    public static readonly ApiRoute Increment = Operation<IncrementRequest>("IncrementPayment", "increment", PaymentOperationKind.Increment,
        "Authorises more on a manual payment (another hold on the wallet, same window). A wallet that cannot pay gets 402.",
        null, r => r.Amount);

    public static readonly ApiRoute Cancel = Operation("CancelPayment", "cancel", PaymentOperationKind.Cancel,
        "Cancels a manual payment before capture: its holds are released. No body (or {}).",
        new CancelRequest(), _ => null);

    public static readonly ApiRoute Refund = Operation("RefundPayment", "refunds", PaymentOperationKind.Refund,
        "Gives back all or part of what was captured, into the wallet; several refunds may follow each other. Body optional.",
        new RefundRequest(), r => r.Amount, StatusCodes.Status201Created);

    private static readonly Dictionary<string, PaymentStatus> Statuses =
        Enum.GetValues<PaymentStatus>().ToDictionary(s => JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()), StringComparer.Ordinal);

    private static async Task<ApiResponse> CreateAsync(ApiRequest request)
    {
        if (request.TryRead<CreatePaymentRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var outcome = await request.Service<PaymentStore>().CreateAsync(request.Caller.MerchantId!, body, request.IdempotencyKey, request.Aborted);
        return Answer(outcome, StatusCodes.Status201Created);
    }

    private static async Task<ApiResponse> GetAsync(ApiRequest request)
    {
        var payment = await request.Service<PaymentStore>().GetAsync(request.Caller.MerchantId!, request.Route("id"), request.Aborted);
        return payment is null
            ? ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No payment of yours has this id.")
            : ApiResponse.Ok(payment.WithFee(await PricingAsync(request)));
    }

    private static async Task<ApiResponse> ListAsync(ApiRequest request)
    {
        var query = request.Http.Request.Query;
        if (request.TryReadLimit(PaymentLimits.PageSizeDefault, PaymentLimits.PageSizeMax, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        PaymentStatus? status = null;
        if (query.TryGetValue("status", out var statusText))
        {
            if (!Statuses.TryGetValue(statusText.ToString(), out var parsed))
            {
                return Invalid($"status must be one of {string.Join(", ", Statuses.Keys)}.");
            }

            status = parsed;
        }

        try
        {
            var page = await request.Service<PaymentStore>().ListAsync(request.Caller.MerchantId!, status, limit, query["after"].FirstOrDefault(), request.Aborted);
            var pricing = await PricingAsync(request);
            return ApiResponse.Ok(page with { Payments = [.. page.Payments.Select(p => p.WithFee(pricing))] });
        }
        catch (ArgumentException)
        {
            return Invalid("after must be the next cursor of a previous page.");
        }
    }

    /// <summary>
    /// A POST on /payments/{id}/&lt;verb&gt;. <paramref name="empty"/> is the request a call without a body means; null
    /// when a body is required.
    /// </summary>
    private static ApiRoute Operation<T>(
        string name, string verb, PaymentOperationKind kind, string summary, T? empty, Func<T, long?> amount, int successStatus = StatusCodes.Status200OK)
        where T : class, IValidatable =>
        new(name, "POST", $"v1/payments/{{id}}/{verb}", Access.Merchant, summary, request => RunAsync(request, empty, kind, amount, successStatus),
            typeof(T), typeof(PaymentView))
        {
            SuccessStatus = successStatus,
        };

    private static async Task<ApiResponse> RunAsync<T>(ApiRequest request, T? empty, PaymentOperationKind kind, Func<T, long?> amount, int successStatus)
        where T : class, IValidatable
    {
        var problem = empty is null ? request.TryRead(out T body) : request.TryReadOptional(empty, out body);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await request.Service<PaymentStore>().RunAsync(request.Caller.MerchantId!, request.Route("id"), kind, amount(body), request.IdempotencyKey, request.Aborted);
        return Answer(outcome, successStatus);
    }

    /// <summary>The calling merchant's prices over time (fees are shown on reads only: creating a payment reads no merchant).</summary>
    private static async Task<PricingSchedule> PricingAsync(ApiRequest request) =>
        (await request.Service<MerchantStore>().GetTermsAsync(request.Caller.MerchantId!, request.Aborted))?.Pricing ?? PricingSchedule.None;

    /// <summary>The one place a payment refusal becomes an HTTP status.</summary>
    internal static int StatusOf(PaymentRefusalKind kind) => kind switch
    {
        PaymentRefusalKind.NotFound => StatusCodes.Status404NotFound,
        PaymentRefusalKind.Declined => StatusCodes.Status402PaymentRequired,
        PaymentRefusalKind.NotAllowed or PaymentRefusalKind.AuthorizationExpired or PaymentRefusalKind.LimitReached => StatusCodes.Status409Conflict,
        PaymentRefusalKind.AmountNotAllowed or PaymentRefusalKind.CurrencyMismatch or PaymentRefusalKind.LedgerRefused
            or PaymentRefusalKind.IdempotencyKeyReused => StatusCodes.Status422UnprocessableEntity,
        PaymentRefusalKind.Busy => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The payment, or the problem with the payment's id (when there is one) so the caller can look it up.</summary>
    private static ApiResponse Answer(PaymentOutcome outcome, int successStatus) =>
        outcome.Refusal is { } refusal
            ? ApiResponse.Problem(StatusOf(refusal.Kind), refusal.Code, refusal.Detail, extensions: outcome.Payment is { } p ? new Dictionary<string, object> { ["paymentId"] = p.Id } : null)
            : new ApiResponse(successStatus, ApiResponse.Serialize(outcome.Payment!), ApiResponse.Json);

    private static ApiResponse Invalid(string detail) =>
        ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed, detail);
}
