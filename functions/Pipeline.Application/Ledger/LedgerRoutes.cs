using Pipeline.Application.Http;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Ledger;

/// <summary>Read-only views of the ledger for operators: an account, a transfer, and the audit that proves the books balance.</summary>
public static class LedgerRoutes
{
    public static readonly ApiRoute Account = new("GetLedgerAccount", "GET", "v1/ledger/accounts/{id}", Access.Admin,
        "A ledger account with its four totals and derived balances.", AccountAsync, null, typeof(LedgerAccountView));

    public static readonly ApiRoute Transfer = new("GetLedgerTransfer", "GET", "v1/ledger/transfers/{id}", Access.Admin,
        "A ledger transfer as applied.", TransferAsync, null, typeof(LedgerTransferView));

    public static readonly ApiRoute Audit = new("GetLedgerAudit", "GET", "v1/ledger/audit", Access.Admin,
        "Per currency: total debits, total credits and the money in flight between them; balanced when they agree.", AuditAsync, null, typeof(AuditView));

    private static async Task<ApiResponse> AccountAsync(ApiRequest request)
    {
        var account = LedgerId.TryParse(request.Route("id"), out var id) ? await request.Service<ILedgerStore>().GetAccountAsync(id, request.Aborted) : null;
        return account is { } a
            ? ApiResponse.Ok(new LedgerAccountView(a.Id.ToString(), a.Currency.Code, a.NormalBalance, a.Flags, a.LimitMinor, a.DebitsPending, a.DebitsPosted,
                a.CreditsPending, a.CreditsPosted, a.AvailableMinor, a.PendingOutMinor, a.PostedMinor, a.Closed))
            : NotFound("account");
    }

    private static async Task<ApiResponse> TransferAsync(ApiRequest request)
    {
        var transfer = LedgerId.TryParse(request.Route("id"), out var id) ? await request.Service<ILedgerStore>().GetTransferAsync(id, request.Aborted) : null;
        return transfer is { } t
            ? ApiResponse.Ok(new LedgerTransferView(t.Request.Id.ToString(), t.DebitAccountId.ToString(), t.CreditAccountId.ToString(), t.AmountMinor,
                t.Currency.Code, t.Request.Flags, t.Request.PendingId.IsZero ? null : t.Request.PendingId.ToString(), t.State, t.Request.Code,
                new DateTimeOffset(t.Timestamp, TimeSpan.Zero)))
            : NotFound("transfer");
    }

    private static async Task<ApiResponse> AuditAsync(ApiRequest request)
    {
        var audit = await request.Service<ILedgerStore>().AuditAsync(request.Aborted);
        return ApiResponse.Ok(new AuditView(audit.Balanced, audit.Currencies.ToDictionary(
            c => c.Key.Code,
            c => new CurrencyAuditView(c.Value.Balanced, c.Value.DebitsPosted, c.Value.CreditsPosted, c.Value.InFlightPosted,
                c.Value.DebitsPending, c.Value.CreditsPending, c.Value.InFlightPending))));
    }

    private static ApiResponse NotFound(string what) =>
        ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"No ledger {what} has this id (32 lower-case hex digits).");

    public sealed record LedgerAccountView(string Id, string Currency, NormalBalance NormalBalance, AccountFlags Flags, long Limit,
        long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted, long Available, long Pending, long Posted, bool Closed);

    public sealed record LedgerTransferView(string Id, string DebitAccountId, string CreditAccountId, long Amount, string Currency,
        TransferFlags Flags, string? PendingId, PendingState HoldState, ushort Code, DateTimeOffset Timestamp);

    public sealed record CurrencyAuditView(bool Balanced, Int128 Debits, Int128 Credits, Int128 InFlight, Int128 DebitsPending, Int128 CreditsPending, Int128 InFlightPending);

    public sealed record AuditView(bool Balanced, IReadOnlyDictionary<string, CurrencyAuditView> Currencies);
}
