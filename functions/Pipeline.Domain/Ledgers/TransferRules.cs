namespace Pipeline.Domain.Ledgers;

/// <summary>
/// The rules a transfer must pass, as pure functions of the request and the records it touches. The in-memory
/// core and every store call these same functions, so they cannot disagree about what is allowed.
/// </summary>
public static class TransferRules
{
    /// <summary>Pending, post-pending and void-pending are mutually exclusive.</summary>
    public static TransferResult ValidateFlags(in Transfer transfer)
    {
        var kinds = transfer.Flags & (TransferFlags.Pending | TransferFlags.PostPending | TransferFlags.VoidPending);
        return (kinds & (kinds - 1)) != 0 ? TransferResult.FlagsAreMutuallyExclusive : TransferResult.Ok;
    }

    public static TransferResult ValidateNew(in Transfer transfer)
    {
        if (transfer.DebitAccountId.IsZero)
        {
            return TransferResult.DebitAccountIdMustNotBeZero;
        }

        if (transfer.CreditAccountId.IsZero)
        {
            return TransferResult.CreditAccountIdMustNotBeZero;
        }

        if (transfer.DebitAccountId == transfer.CreditAccountId)
        {
            return TransferResult.AccountsMustBeDifferent;
        }

        if (!transfer.PendingId.IsZero)
        {
            return TransferResult.PendingIdMustBeZero;
        }

        if (!transfer.IsPending && transfer.TimeoutSeconds != 0)
        {
            return TransferResult.TimeoutReservedForPendingTransfer;
        }

        if (transfer.Amount <= 0)
        {
            return TransferResult.AmountMustBePositive;
        }

        return transfer.Currency.IsKnown ? TransferResult.Ok : TransferResult.CurrencyMustBeKnown;
    }

    /// <summary>Currency, open accounts, overflow and the accounts' balance limits, for a new amount on both sides.</summary>
    public static TransferResult CheckAccounts(in Transfer transfer, in Account debit, in Account credit)
    {
        var refused = CheckCurrencyAndOpen(transfer, debit, credit);
        if (refused == TransferResult.Ok)
        {
            refused = CheckDebitSide(debit, transfer.Amount);
        }

        return refused == TransferResult.Ok ? CheckCreditSide(credit, transfer.Amount) : refused;
    }

    public static TransferResult CheckCurrencyAndOpen(in Transfer transfer, in Account debit, in Account credit)
    {
        if (debit.Currency != credit.Currency)
        {
            return TransferResult.AccountsMustHaveTheSameCurrency;
        }

        if (transfer.Currency != debit.Currency)
        {
            return TransferResult.TransferMustHaveTheSameCurrencyAsAccounts;
        }

        if (debit.Closed)
        {
            return TransferResult.DebitAccountClosed;
        }

        return credit.Closed ? TransferResult.CreditAccountClosed : TransferResult.Ok;
    }

    /// <summary>
    /// Whether the debit account can take <paramref name="amount"/> more debits. The sums cannot overflow: each
    /// account keeps pending + posted &lt;= long.MaxValue on both sides.
    /// </summary>
    public static TransferResult CheckDebitSide(in Account debit, long amount)
    {
        if (long.MaxValue - debit.DebitsPending - debit.DebitsPosted < amount)
        {
            return TransferResult.OverflowsDebits;
        }

        return (debit.Flags & AccountFlags.DebitsMustNotExceedCredits) != 0
            && debit.DebitsPending + debit.DebitsPosted + amount - debit.CreditsPosted > debit.LimitMinor
            ? TransferResult.InsufficientFunds
            : TransferResult.Ok;
    }

    /// <summary>Whether the credit account can take <paramref name="amount"/> more credits.</summary>
    public static TransferResult CheckCreditSide(in Account credit, long amount)
    {
        if (long.MaxValue - credit.CreditsPending - credit.CreditsPosted < amount)
        {
            return TransferResult.OverflowsCredits;
        }

        return (credit.Flags & AccountFlags.CreditsMustNotExceedDebits) != 0
            && credit.CreditsPending + credit.CreditsPosted + amount - credit.DebitsPosted > credit.LimitMinor
            ? TransferResult.ExceedsDebits
            : TransferResult.Ok;
    }

    public static TransferResult ValidatePostOrVoid(in Transfer transfer)
    {
        if (transfer.PendingId.IsZero)
        {
            return TransferResult.PendingIdMustNotBeZero;
        }

        if (transfer.PendingId == transfer.Id)
        {
            return TransferResult.PendingIdMustBeDifferent;
        }

        if (transfer.TimeoutSeconds != 0)
        {
            return TransferResult.TimeoutReservedForPendingTransfer;
        }

        return transfer.Amount <= 0 ? TransferResult.AmountMustBePositive : TransferResult.Ok;
    }

    public static TransferResult CheckAgainstPending(in Transfer transfer, in TransferRecord pending, bool isPost)
    {
        if (!pending.Request.IsPending)
        {
            return TransferResult.PendingTransferNotPending;
        }

        if (!transfer.DebitAccountId.IsZero && transfer.DebitAccountId != pending.DebitAccountId)
        {
            return TransferResult.PendingTransferHasDifferentDebitAccountId;
        }

        if (!transfer.CreditAccountId.IsZero && transfer.CreditAccountId != pending.CreditAccountId)
        {
            return TransferResult.PendingTransferHasDifferentCreditAccountId;
        }

        if (transfer.Currency.IsKnown && transfer.Currency != pending.Currency)
        {
            return TransferResult.PendingTransferHasDifferentCurrency;
        }

        var stateRefusal = pending.State switch
        {
            PendingState.Posted => TransferResult.PendingTransferAlreadyPosted,
            PendingState.Voided => TransferResult.PendingTransferAlreadyVoided,
            PendingState.Expired => TransferResult.PendingTransferExpired,
            _ => TransferResult.Ok,
        };
        if (stateRefusal != TransferResult.Ok || transfer.Amount == Transfer.AmountOfPending)
        {
            return stateRefusal;
        }

        if (isPost)
        {
            return transfer.Amount > pending.AmountMinor ? TransferResult.ExceedsPendingTransferAmount : TransferResult.Ok;
        }

        return transfer.Amount != pending.AmountMinor ? TransferResult.PendingTransferHasDifferentAmount : TransferResult.Ok;
    }

    public static TransferResult CompareWithExisting(in Transfer submitted, in Transfer stored)
    {
        if (submitted.Flags != stored.Flags)
        {
            return TransferResult.ExistsWithDifferentFlags;
        }

        if (submitted.DebitAccountId != stored.DebitAccountId)
        {
            return TransferResult.ExistsWithDifferentDebitAccountId;
        }

        if (submitted.CreditAccountId != stored.CreditAccountId)
        {
            return TransferResult.ExistsWithDifferentCreditAccountId;
        }

        if (submitted.Amount != stored.Amount)
        {
            return TransferResult.ExistsWithDifferentAmount;
        }

        if (submitted.Currency != stored.Currency)
        {
            return TransferResult.ExistsWithDifferentCurrency;
        }

        if (submitted.PendingId != stored.PendingId)
        {
            return TransferResult.ExistsWithDifferentPendingId;
        }

        if (submitted.TimeoutSeconds != stored.TimeoutSeconds)
        {
            return TransferResult.ExistsWithDifferentTimeout;
        }

        return submitted.Code != stored.Code ? TransferResult.ExistsWithDifferentCode : TransferResult.Exists;
    }
}
