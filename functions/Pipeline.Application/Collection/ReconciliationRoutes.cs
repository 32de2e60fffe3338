using Microsoft.Extensions.Options;
using Pipeline.Application.Http;
using Pipeline.Application.Settlement;

namespace Pipeline.Application.Collection;

/// <summary>Reconciliation exceptions and their resolutions (docs/COLLECTION.md "Exceptions").</summary>
public static class ReconciliationRoutes
{
    public static readonly ApiRoute List = new("ListReconciliationExceptions", "GET", "v1/reconciliation/exceptions", Access.MerchantOrAdmin,
        "Reconciliation exceptions, newest first: a merchant's own; the admin's are the platform's (suspense) unless it names a merchant. ?status=&merchantId=&limit=&after=.",
        ListAsync, null, typeof(ExceptionsPage))
    {
        Query =
        [
            new("status", "open, resolving or resolved.", Values: ["open", "resolving", "resolved"]),
            new("merchantId", "The admin: a merchant's exceptions instead of the platform's."),
            new("limit", "Page size.", 1, ReconciliationExceptions.PageSizeMax),
            new("after", "The next cursor of the previous page."),
        ],
    };

    public static readonly ApiRoute Get = new("GetReconciliationException", "GET", "v1/reconciliation/exceptions/{id}", Access.MerchantOrAdmin,
        "One exception: what came, where its money sits, and its resolution.", GetAsync, null, typeof(ExceptionView));

    public static readonly ApiRoute Resolve = new("ResolveReconciliationException", "POST", "v1/reconciliation/exceptions/{id}/resolutions", Access.MerchantOrAdmin,
        "Resolves an exception, with a reason kept with who did it: match (pay a collection with its money), refund (back to the payer's "
        + "account; GET …/refund-pain001 for EUR), write_off (keep it), acknowledge (an exception that holds no money). Once.",
        ResolveAsync, typeof(ResolveExceptionRequest), typeof(ExceptionView))
    {
        SuccessStatus = StatusCodes.Status200OK,
    };

    public static readonly ApiRoute RefundPain001 = new("GetExceptionRefundPain001", "GET", "v1/reconciliation/exceptions/{id}/refund-pain001", Access.MerchantOrAdmin,
        "A refunded exception's SEPA credit transfer back to the payer, ISO 20022 pain.001.001.09 (EPC 2023 schema); EUR only.", RefundPain001Async, null, null);

    private static async Task<ApiResponse> ListAsync(ApiRequest request)
    {
        if (request.TryReadLimit(ReconciliationExceptions.PageSizeDefault, ReconciliationExceptions.PageSizeMax, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        var named = request.QueryValue("merchantId");
        if (request.Caller.MerchantId is { } own && named is not null && named != own)
        {
            return ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No merchant of yours has this id.");
        }

        ExceptionStatus? status = request.QueryValue("status") switch
        {
            null => null,
            "open" => ExceptionStatus.Open,
            "resolving" => ExceptionStatus.Resolving,
            "resolved" => ExceptionStatus.Resolved,
            _ => (ExceptionStatus)(-1),
        };
        if (status == (ExceptionStatus)(-1))
        {
            return ApiResponse.InvalidField("status", "Use open, resolving or resolved.");
        }

        (long Micros, string Id)? after = null;
        if (request.QueryValue("after") is { } afterText && (after = Cosmos.NewestFirstCursor.Parse(afterText, ReconciliationExceptions.IsExceptionId)) is null)
        {
            return ApiResponse.InvalidField("after", "Give the next cursor of a previous page.");
        }

        var owner = request.Caller.MerchantId ?? named ?? ReconciliationExceptions.PlatformOwner;
        return ApiResponse.Ok(await request.Service<ReconciliationExceptions>().ListAsync(owner, status, limit, after, request.Aborted));
    }

    private static async Task<ApiResponse> GetAsync(ApiRequest request)
    {
        var exception = await request.Service<ReconciliationExceptions>().GetAsync(request.Caller.MerchantId, request.Route("id"), request.Aborted);
        return exception is null ? NotFound() : ApiResponse.Ok(ExceptionView.Of(exception));
    }

    private static async Task<ApiResponse> ResolveAsync(ApiRequest request)
    {
        if (request.TryRead<ResolveExceptionRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var by = request.Caller.MerchantId is { } merchantId ? $"merchant:{merchantId}" : "admin";
        var (exception, refusal) = await request.Service<ExceptionResolutions>().ResolveAsync(request.Caller.MerchantId, request.Route("id"), body, by, request.Aborted);
        return refusal switch
        {
            null => ApiResponse.Ok(ExceptionView.Of(exception!)),
            ResolutionRefusal.NotFound => NotFound(),
            ResolutionRefusal.AlreadyResolved => Conflict(CollectionErrors.ExceptionAlreadyResolved, "This exception is resolved, or being resolved, another way."),
            ResolutionRefusal.WrongActionForException => Conflict(CollectionErrors.ResolutionNotApplicable,
                exception!.HeldIn is null ? "This exception holds no money: acknowledge it." : "This exception holds money: match, refund or write it off."),
            ResolutionRefusal.CollectionNotFound => ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No collection has the id in collectionId."),
            ResolutionRefusal.CollectionNotOpen => Conflict(CollectionErrors.CollectionNotOpen, "The collection is paid, expired or canceled: it takes no money."),
            ResolutionRefusal.CurrencyMismatch => ApiResponse.Invalid(StatusCodes.Status422UnprocessableEntity, CollectionErrors.CurrencyMismatch, "The collection is in another currency."),
            _ => Conflict(CollectionErrors.PayerBalanceSpent, "The payer's balance that held this money was spent meanwhile; the exception is open again."),
        };
    }

    private static async Task<ApiResponse> RefundPain001Async(ApiRequest request)
    {
        var exception = await request.Service<ReconciliationExceptions>().GetAsync(request.Caller.MerchantId, request.Route("id"), request.Aborted);
        if (exception is null)
        {
            return NotFound();
        }

        if (exception is not { Status: ExceptionStatus.Resolved, Resolution: { Action: ResolutionAction.Refund, Refund: { } account } resolution })
        {
            return Conflict(CollectionErrors.NotRefunded, "This exception was not resolved by a refund.");
        }

        if (!PayoutFiles.IsSepa(exception.Currency))
        {
            return Conflict(SettlementErrors.PayoutNotSepa, $"The refund is in {exception.Currency}: SEPA files are for EUR.");
        }

        var platform = request.Service<IOptions<SettlementOptions>>().Value;
        var id = PayoutFiles.EpcIdOf(exception.Id);
        var at = new DateTimeOffset(Cosmos.CosmosTime.ToTicks(resolution.AtMicros), TimeSpan.Zero);
        var xml = Pain001.Write(new Pain001Transfer(id, at, platform.DebtorName,
            platform.DebtorName, platform.DebtorIban, platform.DebtorBic, id, DateOnly.FromDateTime(at.UtcDateTime), id,
            exception.AmountMinor, exception.Currency, account.Name, account.Iban, account.Bic, $"Refund of bank transaction {exception.BankTransactionId}"));
        var errors = Pain001.Validate(xml);
        return errors.Count == 0
            ? new ApiResponse(StatusCodes.Status200OK, System.Text.Encoding.UTF8.GetBytes(xml), "application/xml; charset=utf-8")
            : throw new InvalidOperationException($"The refund pain.001 of exception {exception.Id} breaks the EPC schema: {string.Join("; ", errors)}");
    }

    private static ApiResponse Conflict(string code, string detail) => ApiResponse.Problem(StatusCodes.Status409Conflict, code, detail);

    private static ApiResponse NotFound() => ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No exception of yours has this id.");
}
