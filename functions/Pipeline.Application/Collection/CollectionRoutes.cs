using System.Text.Json;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Collection;

namespace Pipeline.Application.Collection;

/// <summary>Collections: an amount a payer owes the merchant, with the bank-transfer instructions that pay it (docs/COLLECTION.md).</summary>
public static class CollectionRoutes
{
    public static readonly ApiRoute Create = new("CreateCollection", "POST", "v1/collections", Access.Merchant,
        "Creates a collection: the payer's virtual account (one per payer reference), an RF creditor reference, and the payment instructions "
        + "to push with the order (with an EPC QR code's text for EUR).", CreateAsync, typeof(CreateCollectionRequest), typeof(CollectionView))
    {
        SuccessStatus = StatusCodes.Status201Created,
    };

    public static readonly ApiRoute Get = new("GetCollection", "GET", "v1/collections/{id}", Access.Merchant,
        "A collection: status (open, partially_paid, paid, overpaid, expired, canceled), amounts paid and remaining, its instructions.",
        GetAsync, null, typeof(CollectionView));

    public static readonly ApiRoute List = new("ListCollections", "GET", "v1/collections", Access.Merchant,
        "Your collections, newest first. ?status=&payerReference=&limit=&after=.", ListAsync, null, typeof(CollectionsPage))
    {
        Query =
        [
            new("status", "One status only.", Values: ["open", "partially_paid", "paid", "overpaid", "expired", "canceled"]),
            new("payerReference", "One payer's collections."),
            new("limit", "Page size.", 1, CollectionStore.PageSizeMax),
            new("after", "The next cursor of the previous page."),
        ],
    };

    public static readonly ApiRoute Cancel = new("CancelCollection", "POST", "v1/collections/{id}/cancel", Access.Merchant,
        "Cancels an open or partially paid collection; a credit that comes for it later goes to the payer's balance.", CancelAsync, null, typeof(CollectionView));

    private static async Task<ApiResponse> CreateAsync(ApiRequest request)
    {
        if (request.TryRead<CreateCollectionRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var now = request.Service<TimeProvider>().GetUtcNow();
        if (body.DueAt <= now || body.DueAt > now + CollectionLimits.DueWithinMax)
        {
            return ApiResponse.Invalid(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed, "The due date must be ahead, within three years.",
                new Dictionary<string, string[]> { ["dueAt"] = ["Give a time after now and within three years."] });
        }

        var (collection, refusal) = await request.Service<CollectionStore>().CreateAsync(request.Caller.MerchantId!, body, request.IdempotencyKey, request.Aborted);
        return refusal switch
        {
            null => ApiResponse.Created(collection!),
            CollectionRefusal.WalletNotFound => ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No wallet of yours has the id in walletId."),
            CollectionRefusal.WalletCurrencyMismatch => ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, CollectionErrors.CurrencyMismatch,
                "The wallet holds another currency than the collection's."),
            _ => ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, ErrorCodes.IdempotencyKeyReused,
                "This Idempotency-Key was used for a different collection; use a new key."),
        };
    }

    private static async Task<ApiResponse> ListAsync(ApiRequest request)
    {
        if (request.TryReadLimit(CollectionStore.PageSizeDefault, CollectionStore.PageSizeMax, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        CollectionStatus? status = null;
        if (request.QueryValue("status") is { } statusText)
        {
            if (!Statuses.TryGetValue(statusText, out var parsed))
            {
                return ApiResponse.InvalidField("status", "Use open, partially_paid, paid, overpaid, expired or canceled.");
            }

            status = parsed;
        }

        var payer = request.QueryValue("payerReference");
        if (payer is { Length: 0 or > WalletLimits.ReferenceLengthMax })
        {
            return ApiResponse.InvalidField("payerReference", $"Give one payer reference of 1 to {WalletLimits.ReferenceLengthMax} characters.");
        }

        (long Micros, string Id)? after = null;
        if (request.QueryValue("after") is { } afterText && (after = NewestFirstCursor.Parse(afterText, CollectionStore.IsCollectionId)) is null)
        {
            return ApiResponse.InvalidField("after", "Give the next cursor of a previous page.");
        }

        return ApiResponse.Ok(await request.Service<CollectionStore>().ListAsync(request.Caller.MerchantId!, status, payer, limit, after, request.Aborted));
    }

    /// <summary>The statuses as the API spells them.</summary>
    private static readonly Dictionary<string, CollectionStatus> Statuses = Enum.GetValues<CollectionStatus>()
        .ToDictionary(s => JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()), StringComparer.Ordinal);

    private static async Task<ApiResponse> GetAsync(ApiRequest request)
    {
        var collection = await request.Service<CollectionStore>().GetAsync(request.Caller.MerchantId!, request.Route("id"), request.Aborted);
        return collection is null ? NotFound() : ApiResponse.Ok(collection);
    }

    private static async Task<ApiResponse> CancelAsync(ApiRequest request)
    {
        var (collection, refusal) = await request.Service<CollectionStore>().CancelAsync(request.Caller.MerchantId!, request.Route("id"), request.Aborted);
        return refusal switch
        {
            null => ApiResponse.Ok(collection!),
            CollectionRefusal.NotFound => NotFound(),
            _ => ApiResponse.Problem(StatusCodes.Status409Conflict, CollectionErrors.NotCancelable, $"A collection that is {collection!.Status.ToString().ToLowerInvariant()} cannot be canceled."),
        };
    }

    private static ApiResponse NotFound() => ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No collection of yours has this id.");
}

/// <summary>Stable codes of collection refusals.</summary>
public static class CollectionErrors
{
    public const string CurrencyMismatch = "currency_mismatch";
    public const string NotCancelable = "collection_not_cancelable";
    public const string BankTransactionConflict = "bank_transaction_conflict";
    public const string ExceptionAlreadyResolved = "exception_already_resolved";
    public const string ResolutionNotApplicable = "resolution_not_applicable";
    public const string CollectionNotOpen = "collection_not_open";
    public const string NotRefunded = "exception_not_refunded";
    public const string PayerBalanceSpent = "payer_balance_spent";
}
