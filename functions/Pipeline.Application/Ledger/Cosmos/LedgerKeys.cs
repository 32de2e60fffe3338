using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>Partition keys and document ids of the ledger containers, and the ids the ledger names itself, in one place.</summary>
internal static class LedgerKeys
{
    private const string ChainIdPrefix = "chain-";

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

    /// <summary>
    /// The id of a run of a chain: from its links, whole (ids and fields), so every submission of the same links finds
    /// it, and a batch that repeats the ids with other fields is judged on its own, as the core judges it. Prefixed,
    /// so no transfer's id (32 hex digits, in the same container) can ever be a chain's.
    /// </summary>
    public static string ChainId(Transfer[] links, int run)
    {
        var name = "chain:" + JsonSerializer.Serialize(links, CosmosJson.Options);
        return ChainIdPrefix + LedgerId.FromName(run == 0 ? name : $"{name}#{run}");
    }

    /// <summary>The ledger id in a chain's id (for logs).</summary>
    public static LedgerId ChainLedgerId(string chainId) => ParseId(chainId[ChainIdPrefix.Length..]);

    /// <summary>
    /// The transfer that expires a hold: named by the ledger itself with a reserved id ("expire:&lt;hold&gt;"), so two
    /// sweeps agree and no client's transfer can have taken it.
    /// </summary>
    public static LedgerId ExpiryId(string holdId) => LedgerId.Reserved("expire:" + holdId);

    public static PartitionKey Key(string partition) => new(partition);

    public static LedgerId ParseId(string text) =>
        LedgerId.TryParse(text, out var id) ? id : throw new InvalidOperationException($"Stored id '{text}' is not a ledger id.");
}
