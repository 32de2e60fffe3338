using System.Collections.ObjectModel;
using Microsoft.Azure.Cosmos;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// The ledger's two containers. Accounts: one logical partition per account (per shard of a hot account) holding
/// the account document and its entries, so a side of a transfer is one transactional batch. Transfers: one
/// logical partition per transfer id, which makes an id exist once across every account.
/// </summary>
public static class LedgerContainers
{
    public const string Accounts = "ledger-accounts";
    public const string AccountsPartitionKeyPath = "/pk";
    public const string Transfers = "ledger-transfers";
    public const string TransfersPartitionKeyPath = "/id";

    /// <summary>Accounts and their entries; the composite index serves the entry list's ORDER BY.</summary>
    public static ContainerProperties AccountsProperties()
    {
        var accounts = new ContainerProperties(Accounts, AccountsPartitionKeyPath);
        accounts.IndexingPolicy.CompositeIndexes.Add(new Collection<CompositePath>
        {
            new() { Path = "/timestampMicros", Order = CompositePathSortOrder.Ascending },
            new() { Path = "/pk", Order = CompositePathSortOrder.Ascending },
        });
        return accounts;
    }

    public static ContainerProperties TransfersProperties() => new(Transfers, TransfersPartitionKeyPath);
}
