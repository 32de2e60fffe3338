namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>What the simple links placed so far will post to and from each partition when the chain commits.</summary>
internal sealed class ChainFlows
{
    private readonly Dictionary<string, long> credits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> debits = new(StringComparer.Ordinal);

    public long CreditsTo(string partition) => credits.GetValueOrDefault(partition);

    public long DebitsFrom(string partition) => debits.GetValueOrDefault(partition);

    public void Add(string debitPartition, string creditPartition, long amount)
    {
        debits[debitPartition] = DebitsFrom(debitPartition) + amount;
        credits[creditPartition] = CreditsTo(creditPartition) + amount;
    }
}
