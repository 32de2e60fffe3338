namespace Pipeline.Domain.Ledgers;

/// <summary>How a batch divides into chains; shared by the core and every store so they split batches alike.</summary>
public static class LinkedChains
{
    /// <summary>
    /// The index of the last transfer of the chain that starts at <paramref name="start"/> (itself when it is not
    /// linked), or the batch length when the chain never ends: its last transfer is flagged linked.
    /// </summary>
    public static int EndOf(ReadOnlySpan<Transfer> batch, int start)
    {
        var end = start;
        while (end < batch.Length && batch[end].IsLinked)
        {
            end++;
        }

        return end;
    }

    /// <summary>The results of a chain left open at the end of a batch: all fail, the last names why.</summary>
    public static void FailOpen(Span<TransferResult> results)
    {
        results.Fill(TransferResult.LinkedEventFailed);
        results[^1] = TransferResult.LinkedEventChainOpen;
    }
}
