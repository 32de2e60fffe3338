using System.Collections.Frozen;
using System.Text;

namespace Pipeline.Domain.Ledgers;

/// <summary>
/// Stable machine codes and human messages for ledger outcomes. Codes are the enum names in snake_case, so they
/// never drift from the values; messages say what was wrong and what to do.
/// </summary>
public static class ResultText
{
    private static readonly FrozenDictionary<Enum, string> Codes =
        Enum.GetValues<TransferResult>().Cast<Enum>()
            .Concat(Enum.GetValues<CreateAccountResult>().Cast<Enum>())
            .Concat(Enum.GetValues<CloseAccountResult>().Cast<Enum>())
            .ToFrozenDictionary(e => e, e => SnakeCase(e.ToString()));

    private static readonly FrozenDictionary<string, TransferResult> TransferResultsByCode =
        Enum.GetValues<TransferResult>().ToFrozenDictionary(r => SnakeCase(r.ToString()), StringComparer.Ordinal);

    public static bool IsSuccess(this TransferResult result) => result is TransferResult.Ok or TransferResult.Exists;

    /// <summary>The id is taken by a transfer with other fields: a resubmission that is not the same request.</summary>
    public static bool IsExistsWithDifferent(this TransferResult result) =>
        result is >= TransferResult.ExistsWithDifferentFlags and <= TransferResult.ExistsWithDifferentCode;

    /// <summary>The id is taken by an account with other terms: a resubmission that is not the same request.</summary>
    public static bool IsExistsWithDifferent(this CreateAccountResult result) =>
        result is >= CreateAccountResult.ExistsWithDifferentCurrency and <= CreateAccountResult.ExistsWithDifferentCode;

    public static string Code(this TransferResult result) => Codes[result];

    /// <summary>The outcome a stored <see cref="Code(TransferResult)"/> names; a code no outcome has is a broken invariant.</summary>
    public static TransferResult ParseTransferResult(string code) =>
        TransferResultsByCode.TryGetValue(code, out var result)
            ? result
            : throw new InvalidOperationException($"'{code}' is not the code of a transfer result.");

    public static string Code(this CreateAccountResult result) => Codes[result];

    public static string Code(this CloseAccountResult result) => Codes[result];

    public static string Message(this TransferResult result) => result switch
    {
        TransferResult.Ok => "The transfer was applied.",
        TransferResult.Exists => "A transfer with this id and the same fields already exists; nothing changed.",
        TransferResult.IdAlreadyFailed => "A transfer with this id was already rejected; use a new id to try again.",
        TransferResult.LinkedEventFailed => "Another transfer in the same linked chain failed, so none of the chain was applied.",
        TransferResult.LinkedEventChainOpen => "The last transfer of the batch is flagged as linked, so its chain has no end.",
        TransferResult.IdMustNotBeZero => "The transfer id must not be zero.",
        TransferResult.IdIsReserved => "Ids with the top byte 0xFF are reserved for the ledger's own transfers (charges, expiries); choose another.",
        TransferResult.FlagsAreMutuallyExclusive => "Pending, post-pending and void-pending are mutually exclusive.",
        TransferResult.DebitAccountIdMustNotBeZero => "The debit account id must not be zero.",
        TransferResult.CreditAccountIdMustNotBeZero => "The credit account id must not be zero.",
        TransferResult.AccountsMustBeDifferent => "The debit and credit accounts must be different.",
        TransferResult.PendingIdMustBeZero => "Only a post or void may name a pending transfer.",
        TransferResult.PendingIdMustNotBeZero => "A post or void must name the pending transfer it resolves.",
        TransferResult.PendingIdMustBeDifferent => "A post or void must not name itself as the pending transfer.",
        TransferResult.TimeoutReservedForPendingTransfer => "Only a pending transfer may have a timeout.",
        TransferResult.AmountMustBePositive => "The amount must be greater than zero.",
        TransferResult.CurrencyMustBeKnown => "The transfer must name an active ISO 4217 currency.",
        TransferResult.DebitAccountNotFound => "The debit account does not exist.",
        TransferResult.CreditAccountNotFound => "The credit account does not exist.",
        TransferResult.AccountsMustHaveTheSameCurrency => "The debit and credit accounts hold different currencies.",
        TransferResult.TransferMustHaveTheSameCurrencyAsAccounts => "The transfer's currency differs from the accounts' currency.",
        TransferResult.DebitAccountClosed => "The debit account is closed.",
        TransferResult.CreditAccountClosed => "The credit account is closed.",
        TransferResult.PendingTransferNotFound => "The pending transfer does not exist.",
        TransferResult.PendingTransferNotPending => "The transfer named as pending is not a pending transfer.",
        TransferResult.PendingTransferHasDifferentDebitAccountId => "The debit account differs from the pending transfer's.",
        TransferResult.PendingTransferHasDifferentCreditAccountId => "The credit account differs from the pending transfer's.",
        TransferResult.PendingTransferHasDifferentCurrency => "The currency differs from the pending transfer's.",
        TransferResult.PendingTransferHasDifferentAmount => "A void must release exactly the pending amount.",
        TransferResult.ExceedsPendingTransferAmount => "The amount to post exceeds the pending amount.",
        TransferResult.PendingTransferAlreadyPosted => "The pending transfer was already posted.",
        TransferResult.PendingTransferAlreadyVoided => "The pending transfer was already voided.",
        TransferResult.PendingTransferExpired => "The pending transfer expired and its amount was released.",
        TransferResult.ExistsWithDifferentFlags => "A transfer with this id exists with different flags.",
        TransferResult.ExistsWithDifferentDebitAccountId => "A transfer with this id exists with a different debit account.",
        TransferResult.ExistsWithDifferentCreditAccountId => "A transfer with this id exists with a different credit account.",
        TransferResult.ExistsWithDifferentAmount => "A transfer with this id exists with a different amount.",
        TransferResult.ExistsWithDifferentCurrency => "A transfer with this id exists with a different currency.",
        TransferResult.ExistsWithDifferentPendingId => "A transfer with this id exists with a different pending transfer.",
        TransferResult.ExistsWithDifferentTimeout => "A transfer with this id exists with a different timeout.",
        TransferResult.ExistsWithDifferentCode => "A transfer with this id exists with a different code.",
        TransferResult.OverflowsDebits => "The debit account's debits would overflow.",
        TransferResult.OverflowsCredits => "The credit account's credits would overflow.",
        TransferResult.InsufficientFunds => "The debit account's debits would exceed its credits plus its overdraft limit.",
        TransferResult.ExceedsDebits => "The credit account's credits would exceed its debits plus its limit.",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };

    public static string Message(this CreateAccountResult result) => result switch
    {
        CreateAccountResult.Ok => "The account was opened.",
        CreateAccountResult.Exists => "An account with this id and the same fields already exists; nothing changed.",
        CreateAccountResult.IdMustNotBeZero => "The account id must not be zero.",
        CreateAccountResult.CurrencyMustBeKnown => "The account must name an active ISO 4217 currency.",
        CreateAccountResult.FlagsAreMutuallyExclusive => "An account may limit its debits or its credits, not both.",
        CreateAccountResult.LimitMustNotBeNegative => "The limit must not be negative.",
        CreateAccountResult.LimitRequiresABalanceFlag => "A limit needs a flag saying which side it limits.",
        CreateAccountResult.ExistsWithDifferentCurrency => "An account with this id exists with a different currency.",
        CreateAccountResult.ExistsWithDifferentNormalBalance => "An account with this id exists with a different normal balance.",
        CreateAccountResult.ExistsWithDifferentFlags => "An account with this id exists with different flags.",
        CreateAccountResult.ExistsWithDifferentLimit => "An account with this id exists with a different limit.",
        CreateAccountResult.ExistsWithDifferentCode => "An account with this id exists with a different code.",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };

    public static string Message(this CloseAccountResult result) => result switch
    {
        CloseAccountResult.Ok => "The account was closed.",
        CloseAccountResult.AccountNotFound => "The account does not exist.",
        CloseAccountResult.AccountAlreadyClosed => "The account is already closed.",
        CloseAccountResult.AccountHasPendingTransfers => "The account still has pending transfers; post or void them first.",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
