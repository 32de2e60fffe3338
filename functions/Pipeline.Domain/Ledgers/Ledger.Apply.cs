using System.Runtime.CompilerServices;

namespace Pipeline.Domain.Ledgers;

public sealed partial class Ledger
{
    private TransferResult ApplyNew(in Transfer transfer, ref TransferRecord slot, long now, bool recordUndo)
    {
        var invalid = TransferRules.ValidateNew(transfer);
        if (invalid != TransferResult.Ok)
        {
            return invalid;
        }

        ref var debit = ref accounts.Find(transfer.DebitAccountId);
        if (Unsafe.IsNullRef(ref debit))
        {
            return TransferResult.DebitAccountNotFound;
        }

        ref var credit = ref accounts.Find(transfer.CreditAccountId);
        if (Unsafe.IsNullRef(ref credit))
        {
            return TransferResult.CreditAccountNotFound;
        }

        var refused = TransferRules.CheckAccounts(transfer, debit, credit);
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
        debit = debit.Debit(amount, transfer.IsPending);
        credit = credit.Credit(amount, transfer.IsPending);

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
}
