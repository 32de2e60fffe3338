namespace Pipeline.Domain.Ledgers;

public sealed partial class Ledger
{
    /// <summary>Applies a batch and returns one result per transfer, in order.</summary>
    public TransferResult[] CreateTransfers(ReadOnlySpan<Transfer> batch)
    {
        var results = new TransferResult[batch.Length];
        CreateTransfers(batch, results);
        return results;
    }

    /// <summary>
    /// Applies a batch in order. Transfers flagged <see cref="TransferFlags.Linked"/> form a chain with the next
    /// transfer; a chain applies all or nothing: the failing link gets its own code, the others
    /// <see cref="TransferResult.LinkedEventFailed"/>. Holds that are due expire before the batch runs.
    /// </summary>
    public void CreateTransfers(ReadOnlySpan<Transfer> batch, Span<TransferResult> results)
    {
        if (results.Length < batch.Length)
        {
            throw new ArgumentException("There must be one result slot per transfer.", nameof(results));
        }

        var now = time.GetUtcNow().UtcTicks;
        ExpireDue(now);
        var start = 0;
        while (start < batch.Length)
        {
            var end = LinkedChains.EndOf(batch, start);
            if (end == batch.Length)
            {
                LinkedChains.FailOpen(results[start..end]);
                return;
            }

            if (end == start)
            {
                results[start] = ApplyAndRecordFailure(batch[start], now);
            }
            else
            {
                ApplyChain(batch[start..(end + 1)], results[start..(end + 1)], now);
            }

            start = end + 1;
        }
    }

    /// <summary>Applies one unlinked transfer: the fast path for a single payment.</summary>
    public TransferResult CreateTransfer(in Transfer transfer)
    {
        if (transfer.IsLinked)
        {
            return TransferResult.LinkedEventChainOpen;
        }

        var now = time.GetUtcNow().UtcTicks;
        ExpireDue(now);
        return ApplyAndRecordFailure(transfer, now);
    }

    /// <summary>
    /// Applies one simple transfer with a <see cref="LedgerId.IsReserved">reserved</see> id: the system's own (a
    /// payment's charge), which transfer requests may not use. Otherwise as <see cref="CreateTransfer"/>.
    /// </summary>
    public TransferResult CreateReservedTransfer(in Transfer transfer)
    {
        if (!transfer.Id.IsReserved || transfer.IsLinked)
        {
            throw new ArgumentException("A reserved transfer has a reserved id (LedgerId.Reserved) and is not linked.", nameof(transfer));
        }

        var now = time.GetUtcNow().UtcTicks;
        ExpireDue(now);
        var result = Apply(transfer, now, recordUndo: false, reservedAllowed: true);
        RecordFailure(transfer.Id, result);
        return result;
    }

    private TransferResult ApplyAndRecordFailure(in Transfer transfer, long now)
    {
        var result = Apply(transfer, now, recordUndo: false);
        RecordFailure(transfer.Id, result);
        return result;
    }

    private void ApplyChain(ReadOnlySpan<Transfer> chain, Span<TransferResult> results, long now)
    {
        undo.Clear();
        for (var i = 0; i < chain.Length; i++)
        {
            var result = Apply(chain[i], now, recordUndo: true);
            if (!result.IsSuccess())
            {
                undo.Rollback(accounts, transfers);
                results.Fill(TransferResult.LinkedEventFailed);
                results[i] = result;
                RecordFailure(chain[i].Id, result);
                return;
            }

            results[i] = result;
        }

        undo.Clear();
    }

    /// <summary>Remembers a rejected id, unless the rejection was about the id itself (zero, or owned by another transfer).</summary>
    private void RecordFailure(LedgerId id, TransferResult result)
    {
        if (!result.IsSuccess() && result is not (TransferResult.IdMustNotBeZero or TransferResult.IdIsReserved or TransferResult.IdAlreadyFailed)
            && !result.IsExistsWithDifferent())
        {
            failedTransferIds.TryAdd(id, result);
        }
    }

    private TransferResult Apply(in Transfer transfer, long now, bool recordUndo, bool reservedAllowed = false)
    {
        if (transfer.Id.IsZero)
        {
            return TransferResult.IdMustNotBeZero;
        }

        if (transfer.Id.IsReserved && !reservedAllowed)
        {
            return TransferResult.IdIsReserved;
        }

        // One probe both finds a resubmission and reserves the slot for a new transfer; the slot is given back if
        // the transfer is refused. Refusals are the rare path, so this halves the lookups of the common one.
        ref var slot = ref transfers.FindOrAdd(transfer.Id, out var exists);
        if (exists)
        {
            return TransferRules.CompareWithExisting(transfer, slot.Request);
        }

        var result = ApplyToSlot(transfer, ref slot, now, recordUndo);
        if (result != TransferResult.Ok)
        {
            transfers.RemoveNewest(transfer.Id);
        }

        return result;
    }

    private TransferResult ApplyToSlot(in Transfer transfer, ref TransferRecord slot, long now, bool recordUndo)
    {
        if (failedTransferIds.Count != 0 && failedTransferIds.ContainsKey(transfer.Id))
        {
            return TransferResult.IdAlreadyFailed;
        }

        var invalidFlags = TransferRules.ValidateFlags(transfer);
        if (invalidFlags != TransferResult.Ok)
        {
            return invalidFlags;
        }

        return transfer.IsPostOrVoid
            ? ApplyPostOrVoid(transfer, ref slot, now, recordUndo)
            : ApplyNew(transfer, ref slot, now, recordUndo);
    }
}
