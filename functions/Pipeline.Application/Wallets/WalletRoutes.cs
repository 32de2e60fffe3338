using Pipeline.Application.Http;
using Pipeline.Application.Ledger;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Wallets;

/// <summary>Wallets of a merchant's customers, enterprises and vehicles: open, top up, read, page through history, pay each other.</summary>
public static class WalletRoutes
{
    public const int EntriesPageSizeDefault = 50;

    public static readonly ApiRoute Create = new("CreateWallet", "POST", "v1/wallets", Access.Merchant,
        "Opens a wallet in one currency, optionally with an overdraft limit.", CreateAsync, typeof(CreateWalletRequest), typeof(WalletView));

    public static readonly ApiRoute Get = new("GetWallet", "GET", "v1/wallets/{id}", Access.Merchant,
        "A wallet with its balances: available, pending (held) and posted.", GetAsync, null, typeof(WalletView));

    public static readonly ApiRoute TopUp = new("TopUpWallet", "POST", "v1/wallets/{id}/top-ups", Access.Merchant,
        "Adds money to a wallet from the merchant's funding account.", TopUpAsync, typeof(TopUpRequest), typeof(MoneyMovement));

    public static readonly ApiRoute Entries = new("ListWalletEntries", "GET", "v1/wallets/{id}/entries", Access.Merchant,
        "The wallet's ledger entries, oldest first, each with the balances right after it; ?limit=&after=.", EntriesAsync, null, typeof(EntriesPage))
    {
        Query = [new("limit", "Page size.", Minimum: 1, Maximum: LedgerLimits.EntryPageSizeMax), new("after", "The next cursor of the previous page.")],
    };

    public static readonly ApiRoute Transfer = new("CreateTransfer", "POST", "v1/transfers", Access.Merchant,
        "Moves money from one of the merchant's wallets to another (B2B payments).", TransferAsync, typeof(TransferRequest), typeof(MoneyMovement));

    private static async Task<ApiResponse> CreateAsync(ApiRequest request)
    {
        if (request.TryRead<CreateWalletRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var wallets = request.Service<WalletStore>();
        var (merchantId, currency, limit) = (request.Caller.MerchantId!, Currency.Parse(body.Currency), body.OverdraftLimit ?? 0);
        var wallet = request.IdempotencyKey is { } key
            ? await wallets.CreateAsync(merchantId, body.Owner, currency, limit, key, request.Aborted)
            : await wallets.CreateAsync(merchantId, body.Owner, currency, limit, request.Aborted);
        return wallet is null
            ? ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, ErrorCodes.IdempotencyKeyReused, "This Idempotency-Key was used for a different wallet; use a new key.")
            : ApiResponse.Created(wallet);
    }

    private static async Task<ApiResponse> GetAsync(ApiRequest request)
    {
        var wallet = await request.Service<WalletStore>().GetAsync(request.Caller.MerchantId!, request.Route("id"), request.Aborted);
        return wallet is null ? NotFound() : ApiResponse.Ok(wallet);
    }

    private static async Task<ApiResponse> TopUpAsync(ApiRequest request)
    {
        if (request.TryRead<TopUpRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var wallets = request.Service<WalletStore>();
        var wallet = await wallets.GetAsync(request.Caller.MerchantId!, request.Route("id"), request.Aborted);
        if (wallet is null)
        {
            return NotFound();
        }

        var transferId = TransferIdFor(request, "top-up");
        var result = await wallets.TopUpAsync(request.Caller.MerchantId!, wallet, body.Amount, transferId, request.Aborted);
        return result.IsSuccess()
            ? ApiResponse.Created(new MoneyMovement(transferId.ToString(), null, wallet.Id, body.Amount, wallet.Currency, body.Reference))
            : await RefusalAsync(request, transferId, result);
    }

    private static async Task<ApiResponse> TransferAsync(ApiRequest request)
    {
        if (request.TryRead<TransferRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var wallets = request.Service<WalletStore>();
        var from = await wallets.GetAsync(request.Caller.MerchantId!, body.FromWalletId, request.Aborted);
        var to = await wallets.GetAsync(request.Caller.MerchantId!, body.ToWalletId, request.Aborted);
        if (from is null || to is null)
        {
            return NotFound();
        }

        var transferId = TransferIdFor(request, "transfer");
        var result = await request.Service<ILedgerStore>().CreateTransferAsync(new Transfer
        {
            Id = transferId,
            DebitAccountId = WalletStore.AccountOf(from.Id),
            CreditAccountId = WalletStore.AccountOf(to.Id),
            Amount = body.Amount,
            Currency = Currency.Parse(body.Currency),
            Code = TransferCodes.WalletTransfer,
        }, request.Aborted);
        return result.IsSuccess()
            ? ApiResponse.Created(new MoneyMovement(transferId.ToString(), from.Id, to.Id, body.Amount, body.Currency, body.Reference))
            : await RefusalAsync(request, transferId, result);
    }

    private static async Task<ApiResponse> EntriesAsync(ApiRequest request)
    {
        var query = request.Http.Request.Query;
        if (request.TryReadLimit(EntriesPageSizeDefault, LedgerLimits.EntryPageSizeMax, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        var wallet = await request.Service<WalletStore>().GetAsync(request.Caller.MerchantId!, request.Route("id"), request.Aborted);
        if (wallet is null)
        {
            return NotFound();
        }

        try
        {
            var page = await request.Service<ILedgerStore>().GetEntriesAsync(WalletStore.AccountOf(wallet.Id), query["after"].FirstOrDefault(), limit, request.Aborted);
            return ApiResponse.Ok(new EntriesPage([.. page.Entries.Select(EntryView.From)], page.Next));
        }
        catch (ArgumentException)
        {
            return ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed, "after must be a cursor from a previous page.");
        }
    }

    /// <summary>
    /// A new transfer's id. With an Idempotency-Key it is derived from the merchant, the route and the key: a retry
    /// after an answer that never arrived (a crash or a 5xx, which the idempotency record does not keep) meets the
    /// first attempt's transfer in the ledger — "exists" — instead of moving the money a second time.
    /// </summary>
    private static LedgerId TransferIdFor(ApiRequest request, string purpose) =>
        request.IdempotencyKey is { } key ? LedgerId.FromName($"{purpose}:{request.Caller.MerchantId}:{key}") : LedgerId.Random(Random.Shared);

    /// <summary>
    /// A refused transfer whose id may come from an Idempotency-Key: a retry of one the ledger refused gets the
    /// first refusal's reason, and the key reused for another movement is idempotency_key_reused.
    /// </summary>
    private static async Task<ApiResponse> RefusalAsync(ApiRequest request, LedgerId transferId, TransferResult result)
    {
        if (result == TransferResult.IdAlreadyFailed)
        {
            result = await request.Service<ILedgerStore>().GetFailureAsync(transferId, request.Aborted) ?? result;
        }

        return result.IsExistsWithDifferent() && request.IdempotencyKey is not null
            ? ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, ErrorCodes.IdempotencyKeyReused,
                "This Idempotency-Key was used for a different movement of money; use a new key.")
            : LedgerProblems.From(result);
    }

    private static ApiResponse NotFound() =>
        ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No wallet of yours has this id.");
}
