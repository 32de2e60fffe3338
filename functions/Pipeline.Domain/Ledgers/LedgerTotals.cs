using Pipeline.Domain.Monetary;

namespace Pipeline.Domain.Ledgers;

/// <summary>
/// The sums over all accounts of one currency. Double entry means every transfer adds the same amount to one
/// debit total and one credit total, so a sound ledger always has equal posted and equal pending sums.
/// Sums are 128-bit because many accounts' totals together can exceed a long.
/// </summary>
public readonly record struct LedgerTotals(Int128 DebitsPosted, Int128 CreditsPosted, Int128 DebitsPending, Int128 CreditsPending)
{
    public bool Balanced => DebitsPosted == CreditsPosted && DebitsPending == CreditsPending;
}

public sealed partial class Ledger
{
    /// <summary>Per-currency sums of every account's totals: the audit's proof that the books balance.</summary>
    public IReadOnlyDictionary<Currency, LedgerTotals> Totals()
    {
        var totals = new Dictionary<Currency, LedgerTotals>();
        foreach (var account in accounts.Values)
        {
            totals.TryGetValue(account.Currency, out var sum);
            totals[account.Currency] = new LedgerTotals(
                sum.DebitsPosted + account.DebitsPosted,
                sum.CreditsPosted + account.CreditsPosted,
                sum.DebitsPending + account.DebitsPending,
                sum.CreditsPending + account.CreditsPending);
        }

        return totals;
    }
}
