using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>One side of a transfer: which partition, which entry, and how the account changes.</summary>
/// <param name="Partition">The account partition (a shard for a hot account's credits).</param>
/// <param name="EntryId">"e:&lt;transfer&gt;" for the side itself, "r:&lt;transfer&gt;" for a reversal.</param>
/// <param name="Change">The account after the side, or a refusal code.</param>
/// <param name="Counterparty">For a charge's credit: the debit account, written on the entry so it cannot be taken for another charge's.</param>
/// <param name="FenceRefusal">Whether a refusal decides the side for good (a fence with its entry id); false leaves it open.</param>
internal sealed record Side(string Partition, string EntryId, string Kind, bool IsDebit, LedgerId TransferId,
    Func<Account, (TransferResult Refusal, Account After)> Change, string? Counterparty = null, bool FenceRefusal = true)
{
    /// <summary>
    /// The entry that records this side in <paramref name="partition"/>: what it moved, the account's totals after it,
    /// and its number there (<paramref name="sequence"/>, the partition's <see cref="AccountDocument.EntrySequence"/> plus
    /// one per entry of the batch).
    /// </summary>
    public EntryDocument EntryOf(AccountDocument partition, in Account before, in Account after, long micros, long sequence) => new()
    {
        Id = EntryId,
        Pk = Partition,
        Kind = Kind,
        Side = IsDebit ? "debit" : "credit",
        TransferId = TransferId.ToString(),
        AccountId = before.Id.ToString(),
        Counterparty = Counterparty,
        TimestampMicros = micros,
        Tag = partition.Tag,
        Sequence = sequence,
        PostedDelta = IsDebit ? after.DebitsPosted - before.DebitsPosted : after.CreditsPosted - before.CreditsPosted,
        PendingDelta = IsDebit ? after.DebitsPending - before.DebitsPending : after.CreditsPending - before.CreditsPending,
        DebitsPending = after.DebitsPending,
        DebitsPosted = after.DebitsPosted,
        CreditsPending = after.CreditsPending,
        CreditsPosted = after.CreditsPosted,
    };
}
