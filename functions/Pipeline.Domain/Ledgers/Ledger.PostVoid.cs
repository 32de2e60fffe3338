using System.Diagnostics;
using System.Runtime.CompilerServices;

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
        var invalid = TransferRules.ValidatePostOrVoid(transfer);
        if (invalid != TransferResult.Ok)
        {
            return invalid;
        }

        ref var pending = ref transfers.Find(transfer.PendingId);
        if (Unsafe.IsNullRef(ref pending))
        {
            return TransferResult.PendingTransferNotFound;
        }

        var isPost = (transfer.Flags & TransferFlags.PostPending) != 0;
        var refused = TransferRules.CheckAgainstPending(transfer, pending, isPost);
        if (refused != TransferResult.Ok)
        {
            return refused;
        }

        ref var debit = ref accounts.Find(pending.DebitAccountId);
        ref var credit = ref accounts.Find(pending.CreditAccountId);
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
            debit = debit.Debit(amount, pending: false);
            credit = credit.Credit(amount, pending: false);
        }

        pending = pending with { State = isPost ? PendingState.Posted : PendingState.Voided };
        slot = new TransferRecord(
            transfer, pending.DebitAccountId, pending.CreditAccountId, amount, pending.Currency,
            NextTimestamp(now), 0, PendingState.None);
        return TransferResult.Ok;
    }

    private static void Release(ref Account debit, ref Account credit, long heldAmount)
    {
        debit = debit.Debit(-heldAmount, pending: true);
        credit = credit.Credit(-heldAmount, pending: true);
        if (debit.DebitsPending < 0 || credit.CreditsPending < 0)
        {
            throw new InvalidOperationException("Ledger invariant broken: a pending total went negative.");
        }
    }
}
