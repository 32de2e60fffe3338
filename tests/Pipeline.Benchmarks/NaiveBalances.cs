using Pipeline.Domain.Ledgers;

namespace Pipeline.Benchmarks;

/// <summary>
/// The baseline: what a first attempt at a ledger looks like — a dictionary of balances and a set of seen ids.
/// No currencies, no limits, no holds, no overflow checks, no record of the transfer. The core must stay close to it.
/// </summary>
internal sealed class NaiveBalances(int accountCapacity, int transferCapacity)
{
    private readonly Dictionary<LedgerId, long> balances = new(accountCapacity);
    private readonly HashSet<LedgerId> seen = new(transferCapacity);

    public void Open(LedgerId id) => balances[id] = 0;

    public bool Apply(in Transfer transfer)
    {
        if (!seen.Add(transfer.Id))
        {
            return false;
        }

        balances[transfer.DebitAccountId] -= transfer.Amount;
        balances[transfer.CreditAccountId] += transfer.Amount;
        return true;
    }
}
