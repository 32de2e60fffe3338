namespace Pipeline.Domain.Ledgers;

/// <summary>
/// The outcome of one transfer. Each value has a stable snake_case code and a message (<see cref="ResultText"/>).
/// <see cref="Ok"/> and <see cref="Exists"/> are successes; everything else changed nothing.
/// </summary>
public enum TransferResult : byte
{
    Ok = 0,
    Exists,
    IdAlreadyFailed,
    LinkedEventFailed,
    LinkedEventChainOpen,
    IdMustNotBeZero,
    FlagsAreMutuallyExclusive,
    DebitAccountIdMustNotBeZero,
    CreditAccountIdMustNotBeZero,
    AccountsMustBeDifferent,
    PendingIdMustBeZero,
    PendingIdMustNotBeZero,
    PendingIdMustBeDifferent,
    TimeoutReservedForPendingTransfer,
    AmountMustBePositive,
    CurrencyMustBeKnown,
    DebitAccountNotFound,
    CreditAccountNotFound,
    AccountsMustHaveTheSameCurrency,
    TransferMustHaveTheSameCurrencyAsAccounts,
    DebitAccountClosed,
    CreditAccountClosed,
    PendingTransferNotFound,
    PendingTransferNotPending,
    PendingTransferHasDifferentDebitAccountId,
    PendingTransferHasDifferentCreditAccountId,
    PendingTransferHasDifferentCurrency,
    PendingTransferHasDifferentAmount,
    ExceedsPendingTransferAmount,
    PendingTransferAlreadyPosted,
    PendingTransferAlreadyVoided,
    PendingTransferExpired,
    ExistsWithDifferentFlags,
    ExistsWithDifferentDebitAccountId,
    ExistsWithDifferentCreditAccountId,
    ExistsWithDifferentAmount,
    ExistsWithDifferentCurrency,
    ExistsWithDifferentPendingId,
    ExistsWithDifferentTimeout,
    ExistsWithDifferentCode,
    OverflowsDebits,
    OverflowsCredits,
    InsufficientFunds,
    ExceedsDebits,

    /// <summary>The id is one of the system's own (<see cref="LedgerId.IsReserved"/>): no transfer request may use it.</summary>
    IdIsReserved,
}

/// <summary>The outcome of opening an account.</summary>
public enum CreateAccountResult : byte
{
    Ok = 0,
    Exists,
    IdMustNotBeZero,
    CurrencyMustBeKnown,
    FlagsAreMutuallyExclusive,
    LimitMustNotBeNegative,
    LimitRequiresABalanceFlag,
    ExistsWithDifferentCurrency,
    ExistsWithDifferentNormalBalance,
    ExistsWithDifferentFlags,
    ExistsWithDifferentLimit,
    ExistsWithDifferentCode,
}

/// <summary>The outcome of closing an account.</summary>
public enum CloseAccountResult : byte
{
    Ok = 0,
    AccountNotFound,
    AccountAlreadyClosed,
    AccountHasPendingTransfers,
}
