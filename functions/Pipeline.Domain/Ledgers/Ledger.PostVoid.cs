using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pipeline.Domain.Ledgers;

public sealed partial class Ledger
{
    /// <summary>
    /// Posts (all or part) or voids a hold. The hold's whole amount leaves the pending totals; a post adds the
    /// posted part to the posted totals, so the rest is released. Neither can break an overflow or balance
    /// limit, because the hold already counted its whole amount against both.
    /// </summary>
    private TransferResult ApplyPostOrVoid(in Transfer transfer, ref TransferRecord slot, long now, bool recordUndo)
    {
        var invalid = ValidatePostOrVoid(transfer);
        if (invalid != TransferResult.Ok)
        {
            return invalid;
        }

        ref var pending = ref CollectionsMarshal.GetValueRefOrNullRef(transfers, transfer.PendingId);
        if (Unsafe.IsNullRef(ref pending))
        {
            return TransferResult.PendingTransferNotFound;
        }

        var isPost = (transfer.Flags & TransferFlags.PostPending) != 0;
        var refused = CheckAgainstPending(transfer, pending, isPost);
        if (refused != TransferResult.Ok)
        {
            return refused;
        }

        ref var debit = ref CollectionsMarshal.GetValueRefOrNullRef(accounts, pending.DebitAccountId);
        ref var credit = ref CollectionsMarshal.GetValueRefOrNullRef(accounts, pending.CreditAccountId);
        Debug.Assert(!Unsafe.IsNullRef(ref debit) && !Unsafe.IsNullRef(ref credit), "A hold's accounts always exist.");
        if (recordUndo)
        {
            undo.SaveAccount(debit);
            undo.SaveAccount(credit);
            undo.SaveTransfer(pending);
            undo.TransferAdded(transfer.Id);
        }

        var amount = transfer.Amount == Transfer.AmountOfPending ? pending.AmountMinor : transfer.Amount;
        Release(ref debit, ref credit, pending.AmountMinor);
        if (isPost)
        {
            debit.DebitsPosted += amount;
            credit.CreditsPosted += amount;
        }

        pending = pending with { State = isPost ? PendingState.Posted : PendingState.Voided };
        slot = new TransferRecord(
            transfer, pending.DebitAccountId, pending.CreditAccountId, amount, pending.Currency,
            NextTimestamp(now), 0, PendingState.None);
        return TransferResult.Ok;
    }

    private static TransferResult ValidatePostOrVoid(in Transfer transfer)
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

    private static TransferResult CheckAgainstPending(in Transfer transfer, in TransferRecord pending, bool isPost)
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

    private static void Release(ref Account debit, ref Account credit, long heldAmount)
    {
        debit.DebitsPending -= heldAmount;
        credit.CreditsPending -= heldAmount;
        if (debit.DebitsPending < 0 || credit.CreditsPending < 0)
        {
            throw new InvalidOperationException("Ledger invariant broken: a pending total went negative.");
        }
    }
}
