using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pipeline.Domain.Ledgers;

public sealed partial class Ledger
{
    private TransferResult ApplyNew(in Transfer transfer, ref TransferRecord slot, long now, bool recordUndo)
    {
        var invalid = ValidateNew(transfer);
        if (invalid != TransferResult.Ok)
        {
            return invalid;
        }

        ref var debit = ref CollectionsMarshal.GetValueRefOrNullRef(accounts, transfer.DebitAccountId);
        if (Unsafe.IsNullRef(ref debit))
        {
            return TransferResult.DebitAccountNotFound;
        }

        ref var credit = ref CollectionsMarshal.GetValueRefOrNullRef(accounts, transfer.CreditAccountId);
        if (Unsafe.IsNullRef(ref credit))
        {
            return TransferResult.CreditAccountNotFound;
        }

        var refused = CheckAccounts(transfer, debit, credit);
        if (refused != TransferResult.Ok)
        {
            return refused;
        }

        // The timeout runs from the clock, not from the unique timestamp, which can run a few ticks ahead of it.
        // It cannot overflow: clock ticks stay below 3.2e18 and the longest timeout adds less than 4.3e16.
        var expiresAt = transfer.TimeoutSeconds == 0 ? 0 : now + (transfer.TimeoutSeconds * TimeSpan.TicksPerSecond);
        if (recordUndo)
        {
            undo.SaveAccount(debit);
            undo.SaveAccount(credit);
            undo.TransferAdded(transfer.Id);
        }

        var amount = transfer.Amount;
        if (transfer.IsPending)
        {
            debit.DebitsPending += amount;
            credit.CreditsPending += amount;
        }
        else
        {
            debit.DebitsPosted += amount;
            credit.CreditsPosted += amount;
        }

        var state = transfer.IsPending ? PendingState.Pending : PendingState.None;
        slot = new TransferRecord(
            transfer, transfer.DebitAccountId, transfer.CreditAccountId, amount, transfer.Currency,
            NextTimestamp(now), expiresAt, state);
        if (expiresAt != 0)
        {
            expiries.Enqueue(transfer.Id, expiresAt);
        }

        return TransferResult.Ok;
    }

    private static TransferResult ValidateNew(in Transfer transfer)
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
    private static TransferResult CheckAccounts(in Transfer transfer, in Account debit, in Account credit)
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

        if (credit.Closed)
        {
            return TransferResult.CreditAccountClosed;
        }

        // The sums below cannot overflow: each account keeps pending + posted <= long.MaxValue on both sides.
        var amount = transfer.Amount;
        if (long.MaxValue - debit.DebitsPending - debit.DebitsPosted < amount)
        {
            return TransferResult.OverflowsDebits;
        }

        if (long.MaxValue - credit.CreditsPending - credit.CreditsPosted < amount)
        {
            return TransferResult.OverflowsCredits;
        }

        if ((debit.Flags & AccountFlags.DebitsMustNotExceedCredits) != 0
            && debit.DebitsPending + debit.DebitsPosted + amount - debit.CreditsPosted > debit.LimitMinor)
        {
            return TransferResult.InsufficientFunds;
        }

        return (credit.Flags & AccountFlags.CreditsMustNotExceedDebits) != 0
            && credit.CreditsPending + credit.CreditsPosted + amount - credit.DebitsPosted > credit.LimitMinor
            ? TransferResult.ExceedsDebits
            : TransferResult.Ok;
    }
}
