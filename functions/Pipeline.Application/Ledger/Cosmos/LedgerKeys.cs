using Microsoft.Azure.Cosmos;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>Partition keys and document ids of the ledger containers, in one place.</summary>
internal static class LedgerKeys
{
    public static string AccountPartition(LedgerId account, int shard) =>
        shard == 0 ? account.ToString() : $"{account}~{shard}";

    /// <summary>The account and shard of a partition key made by <see cref="AccountPartition"/>.</summary>
    public static (LedgerId Account, int Shard) ParsePartition(string partition)
    {
        var tilde = partition.IndexOf('~', StringComparison.Ordinal);
        return tilde < 0
            ? (ParseId(partition), 0)
            : (ParseId(partition[..tilde]), int.Parse(partition.AsSpan(tilde + 1), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The shard that takes a transfer's credit: chosen from the transfer id, so every attempt at the same
    /// transfer (a retry, a recovery) lands on the same shard and its entry id guards it.
    /// </summary>
    public static int CreditShard(LedgerId transfer, int shards) =>
        shards <= 1 ? 0 : (int)(transfer.Value % (UInt128)shards);

    public static string EntryId(LedgerId transfer) => "e:" + transfer;

    public static string ChargeId(LedgerId transfer) => "charge:" + transfer;

    public static string ReversalId(LedgerId transfer) => "r:" + transfer;

    /// <summary>A chain's entries: "c:&lt;chain&gt;:&lt;phase&gt;:&lt;link&gt;", phase h (hold), p (post) or v (release).</summary>
    public static string ChainEntryId(string chain, char phase, LedgerId link) => $"c:{chain}:{phase}:{link}";

    public static PartitionKey Key(string partition) => new(partition);

    public static LedgerId ParseId(string text) =>
        LedgerId.TryParse(text, out var id) ? id : throw new InvalidOperationException($"Stored id '{text}' is not a ledger id.");
}
