using System.Runtime.CompilerServices;

namespace Pipeline.Domain.Ledgers;

public sealed partial class Ledger
{
    /// <summary>Releases every hold whose timeout has passed; returns how many expired. Also runs before each batch.</summary>
    public int ExpirePendingTransfers() => ExpireDue(time.GetUtcNow().UtcTicks);

    /// <summary>The earliest moment a hold will expire, if any is waiting (may name a hold already resolved).</summary>
    public DateTimeOffset? NextExpiry =>
        expiries.TryPeek(out _, out var expiresAt) ? new DateTimeOffset(expiresAt, TimeSpan.Zero) : null;

    private int ExpireDue(long now)
    {
        var expired = 0;
        while (expiries.TryPeek(out var id, out var expiresAt) && expiresAt <= now)
        {
            expiries.Dequeue();

            // The queue is never cleaned when a hold is posted, voided or rolled back, so each entry is checked
            // against the hold it names: it must still be pending and still expire at this moment. A duplicate
            // entry (a hold rolled back and placed again) finds the hold already expired and does nothing.
            ref var hold = ref transfers.Find(id);
            if (Unsafe.IsNullRef(ref hold) || hold.State != PendingState.Pending || hold.ExpiresAt != expiresAt)
            {
                continue;
            }

            ref var debit = ref accounts.Find(hold.DebitAccountId);
            ref var credit = ref accounts.Find(hold.CreditAccountId);
            Release(ref debit, ref credit, hold.AmountMinor);
            hold = hold with { State = PendingState.Expired };
            expired++;
        }

        return expired;
    }
}
