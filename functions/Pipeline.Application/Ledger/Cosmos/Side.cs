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
    /// <summary>The entry that records this side: what it moved, and the account's totals after it.</summary>
    public EntryDocument EntryOf(in Account before, in Account after, long micros) => new()
    {
        Id = EntryId,
        Pk = Partition,
        Kind = Kind,
        Side = IsDebit ? "debit" : "credit",
        TransferId = TransferId.ToString(),
        AccountId = before.Id.ToString(),
        Counterparty = Counterparty,
        TimestampMicros = micros,
        PostedDelta = IsDebit ? after.DebitsPosted - before.DebitsPosted : after.CreditsPosted - before.CreditsPosted,
        PendingDelta = IsDebit ? after.DebitsPending - before.DebitsPending : after.CreditsPending - before.CreditsPending,
        DebitsPending = after.DebitsPending,
        DebitsPosted = after.DebitsPosted,
        CreditsPending = after.CreditsPending,
        CreditsPosted = after.CreditsPosted,
    };
}
