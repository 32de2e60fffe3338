using System.Text.Json;
using Pipeline.Application.Cosmos;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>An entry of a tagged account (<see cref="Pipeline.Domain.Ledgers.NewAccount.Tag"/>) and its number in the account, 1, 2, 3…</summary>
/// <param name="TimestampMicros">The entry's time (Unix microseconds), as stored: later than the account's entry before it.</param>
public sealed record TaggedEntry(string Tag, long Sequence, long TimestampMicros, LedgerEntry Entry);

/// <summary>
/// What readers of the accounts container's change feed may rely on: entries are created once, never replaced, in
/// the same batch as their account's totals, so the feed shows each exactly once and, within an account, in order.
/// </summary>
public static class LedgerFeed
{
    public const string ContainerName = LedgerContainers.Accounts;

    /// <summary>The entry a document of the accounts container is, if it is one of a tagged account (not a fence, not an account).</summary>
    public static TaggedEntry? TaggedEntryOf(JsonElement document)
    {
        if (!document.TryGetProperty("type", out var type) || !type.ValueEquals("entry")
            || !document.TryGetProperty("tag", out var tag) || tag.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var entry = document.Deserialize<EntryDocument>(CosmosJson.Options)
            ?? throw new JsonException("An entry of the accounts container is empty.");
        return new TaggedEntry(entry.Tag!, entry.Sequence, entry.TimestampMicros, entry.ToEntry());
    }
}
