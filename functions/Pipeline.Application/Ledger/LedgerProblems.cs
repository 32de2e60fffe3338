using Pipeline.Application.Http;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Ledger;

/// <summary>A refused ledger transfer as an API problem: 422 with the ledger's own stable code and message.</summary>
public static class LedgerProblems
{
    public static ApiResponse From(TransferResult result) =>
        ApiResponse.Problem(StatusCodes.Status422UnprocessableEntity, result.Code(), result.Message());
}
