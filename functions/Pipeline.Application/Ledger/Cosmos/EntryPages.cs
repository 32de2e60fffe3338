using System.Globalization;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>An account's entries, oldest first, a page at a time (across its shards when it has several).</summary>
internal sealed class EntryPages(AccountDocuments accounts)
{
    public async Task<EntryPage> GetAsync(LedgerId accountId, string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, LedgerLimits.EntryPageSizeMax);
        var main = await accounts.ReadCachedAsync(AccountPartition(accountId, 0), cancellationToken);
        if (main is null)
        {
            return new EntryPage([], null);
        }

        var (afterMicros, afterPartition) = ParseCursor(after);
        var query = new QueryDefinition(
                $"SELECT TOP {limit + 1} * FROM c WHERE c.accountId = @account AND c.type = 'entry' "
                + $"AND (c.timestampMicros > {Numbers.Literal(afterMicros)} OR (c.timestampMicros = {Numbers.Literal(afterMicros)} AND c.pk > @pk)) "
                + "ORDER BY c.timestampMicros, c.pk")
            .WithParameter("@account", accountId.ToString())
            .WithParameter("@pk", afterPartition);
        var options = main.Shards == 1 ? new QueryRequestOptions { PartitionKey = Key(main.Pk) } : null;
        var entries = await accounts.Container.QueryAllAsync<EntryDocument>(query, options, cancellationToken);
        var page = entries.Take(limit).ToList();
        var next = entries.Count > limit ? $"{page[^1].TimestampMicros}:{page[^1].Pk}" : null;
        return new EntryPage([.. page.Select(e => e.ToEntry())], next);
    }

    /// <summary>Cursors are "&lt;microseconds&gt;:&lt;partition&gt;" of the last entry returned; null starts at the beginning.</summary>
    private static (long Micros, string Partition) ParseCursor(string? cursor)
    {
        if (cursor is null)
        {
            return (-1, "");
        }

        var colon = cursor.IndexOf(':', StringComparison.Ordinal);
        var partition = colon > 0 ? cursor[(colon + 1)..] : "";
        var tilde = partition.IndexOf('~', StringComparison.Ordinal);
        var isPartition = LedgerId.TryParse(tilde < 0 ? partition : partition[..tilde], out _)
            && (tilde < 0 || partition[(tilde + 1)..] is { Length: > 0 and <= 4 } shard && shard.All(char.IsAsciiDigit));
        return colon > 0 && cursor[..colon].All(char.IsAsciiDigit) && isPartition
            && long.TryParse(cursor.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
            ? (micros, partition)
            : throw new ArgumentException("The cursor is not one this store returned.", nameof(cursor));
    }
}
