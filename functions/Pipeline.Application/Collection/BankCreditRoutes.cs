using Pipeline.Application.Http;

namespace Pipeline.Application.Collection;

/// <summary>The collecting bank's credit webhook (docs/COLLECTION.md "Bank credits").</summary>
public static class BankCreditRoutes
{
    public static readonly ApiRoute Receive = new("ReceiveBankCredit", "POST", "v1/webhooks/bank/credits", Access.Bank,
        "A credit the bank booked on a collection account (bank-signed): matched to the payer's collections and booked in the ledger; "
        + "the same bankTransactionId again answers the same credit.", ReceiveAsync, typeof(BankCreditRequest), typeof(BankCreditView))
    {
        SuccessStatus = StatusCodes.Status200OK,
    };

    private static async Task<ApiResponse> ReceiveAsync(ApiRequest request)
    {
        if (request.TryRead<BankCreditRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var (credit, refusal) = await request.Service<BankCredits>().ReceiveAsync(body.ToIncoming(), BankCreditSource.Webhook, request.Aborted);
        return refusal is null
            ? ApiResponse.Ok(BankCreditView.Of(credit!))
            : ApiResponse.Invalid(StatusCodes.Status409Conflict, CollectionErrors.BankTransactionConflict,
                $"Bank transaction {body.BankTransactionId} was announced before with another account, amount, currency or booking date; nothing changed.");
    }
}
