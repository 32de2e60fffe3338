using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// One partition of an account in the accounts container: the account document itself (id "account") holding the
/// four totals and an entry counter. A sharded account has one such document per shard, partition keys
/// "&lt;id&gt;" (shard 0, which also takes every debit) and "&lt;id&gt;~&lt;k&gt;".
/// </summary>
internal sealed record AccountDocument
{
    public const string DocumentId = "account";

    [JsonPropertyName("id")]
    public string Id { get; init; } = DocumentId;

    public required string Pk { get; init; }
    public string Type { get; init; } = "account";
    public required string AccountId { get; init; }
    public int Shard { get; init; }
    public int Shards { get; init; } = 1;
    public required string Currency { get; init; }
    public NormalBalance NormalBalance { get; init; }
    public AccountFlags Flags { get; init; }
    public long LimitMinor { get; init; }
    public ushort Code { get; init; }
    public long Timestamp { get; init; }
    public long DebitsPending { get; init; }
    public long DebitsPosted { get; init; }
    public long CreditsPending { get; init; }
    public long CreditsPosted { get; init; }
    public bool Closed { get; init; }

    /// <summary>On the main document: the close under way (its attempt id), until it commits (closed) or is undone.</summary>
    public string? ClosingBy { get; init; }

    /// <summary>When the close under way began (Unix microseconds): recovery undoes one older than its grace period.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long ClosingSinceMicros { get; init; }

    /// <summary>
    /// The close attempt that closed this partition. On a shard, only that attempt may open it again, and only if it did
    /// not commit; on the main document it tells the close that committed from one that lost to it.
    /// </summary>
    public string? ClosedBy { get; init; }

    /// <summary>The time of this partition's last entry (Unix microseconds); entries get strictly later times.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long LastEntryMicros { get; init; }

    /// <summary>
    /// How many times this document was written. A process keeps the newest copy it has seen (a slow read must not
    /// put an older copy back over a newer one); the ETag, not this, guards every write.
    /// </summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long Revision { get; init; }

    /// <summary>Whose account this is (<see cref="NewAccount.Tag"/>), copied onto every entry; null for most accounts.</summary>
    public string? Tag { get; init; }

    /// <summary>
    /// How many entries this partition holds (fences not counted): the batch that writes an entry numbers it with the
    /// next value and stores this If-Match, so a tagged account's entries are numbered 1, 2, 3… with no gap and no repeat.
    /// </summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long EntrySequence { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    /// <summary>
    /// Fields this build does not know, kept as read: every write replaces the whole document, so without them a build
    /// running beside a newer one during a rollout would erase what the newer one added (a tag, a counter).
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }

    public static AccountDocument Open(NewAccount spec, int shard, int shards, long timestamp) => new()
    {
        Pk = LedgerKeys.AccountPartition(spec.Id, shard),
        AccountId = spec.Id.ToString(),
        Shard = shard,
        Shards = shards,
        Currency = spec.Currency.Code,
        NormalBalance = spec.NormalBalance,
        Flags = spec.Flags,
        LimitMinor = spec.LimitMinor,
        Code = spec.Code,
        Timestamp = timestamp,
        Tag = spec.Tag,
    };

    /// <summary>
    /// Shard <paramref name="shard"/> of the account this main document opens: its terms (closed included), no totals.
    /// Shards are only ever created from the main document, never overwritten, so every creator makes the same ones.
    /// </summary>
    public AccountDocument ShardOf(int shard) => this with
    {
        Pk = LedgerKeys.AccountPartition(LedgerKeys.ParseId(AccountId), shard),
        Shard = shard,
        DebitsPending = 0,
        DebitsPosted = 0,
        CreditsPending = 0,
        CreditsPosted = 0,
        LastEntryMicros = 0,
        Revision = 0,
        EntrySequence = 0,
        ClosingBy = null,
        ClosingSinceMicros = 0,
        ETag = null,
    };

    public Account ToAccount() => new()
    {
        Id = LedgerKeys.ParseId(AccountId),
        Currency = Pipeline.Domain.Monetary.Currency.Parse(Currency),
        NormalBalance = NormalBalance,
        Flags = Flags,
        LimitMinor = LimitMinor,
        Code = Code,
        Timestamp = Timestamp,
        DebitsPending = DebitsPending,
        DebitsPosted = DebitsPosted,
        CreditsPending = CreditsPending,
        CreditsPosted = CreditsPosted,
        Closed = Closed,
    };

    /// <summary>
    /// This document with the totals of <paramref name="account"/> after <paramref name="entries"/> entries, the last at
    /// <paramref name="entryMicros"/> (numbered from <see cref="EntrySequence"/> + 1 by <see cref="Side.EntryOf"/>).
    /// </summary>
    public AccountDocument WithTotals(in Account account, long entryMicros, int entries = 1) => Next() with
    {
        EntrySequence = EntrySequence + entries,
        DebitsPending = account.DebitsPending,
        DebitsPosted = account.DebitsPosted,
        CreditsPending = account.CreditsPending,
        CreditsPosted = account.CreditsPosted,
        LastEntryMicros = entryMicros,
    };

    /// <summary>This document as its next write stores it (the ETag comes back from that write).</summary>
    public AccountDocument Next() => this with { Revision = Revision + 1, ETag = null };

    /// <summary>A time after this partition's last entry, so entries of one partition are ordered by time.</summary>
    public long NextEntryMicros(long nowMicros) => Math.Max(nowMicros, LastEntryMicros + 1);
}

/// <summary>
/// What one transfer did to one account partition, written in the same transactional batch as the account
/// document, with id "e:&lt;transfer&gt;" — so a second attempt at the same side fails with 409 and changes nothing.
/// A fence has the same id and no effect: it is written to make sure a side will never be applied.
/// A reversal ("r:&lt;transfer&gt;") undoes a debit whose credit was refused.
/// </summary>
internal sealed record EntryDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string Pk { get; init; }
    public string Type { get; init; } = "entry";
    public required string Kind { get; init; }

    /// <summary>"debit" or "credit": which totals of the account the entry changed.</summary>
    public string? Side { get; init; }

    public required string TransferId { get; init; }
    public required string AccountId { get; init; }

    /// <summary>On a charge's credit entry: the debit account of that charge.</summary>
    public string? Counterparty { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long TimestampMicros { get; init; }

    /// <summary>The account's tag (<see cref="AccountDocument.Tag"/>); with it, the entry's number in its partition.</summary>
    public string? Tag { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long Sequence { get; init; }

    public long PostedDelta { get; init; }
    public long PendingDelta { get; init; }
    public long DebitsPending { get; init; }
    public long DebitsPosted { get; init; }
    public long CreditsPending { get; init; }
    public long CreditsPosted { get; init; }

    public bool IsFence => Type == "fence";

    public LedgerEntry ToEntry() => new(
        LedgerKeys.ParseId(TransferId), LedgerKeys.ParseId(AccountId), Kind, PostedDelta, PendingDelta,
        DebitsPending, DebitsPosted, CreditsPending, CreditsPosted, CosmosTime.ToTicks(TimestampMicros));
}

/// <summary>
/// A charge whose debit side is applied and whose credit side is not yet (id "charge:&lt;transfer&gt;", in the debit
/// account's partition, written in the same transactional batch as the debit). It is the record of the money in
/// flight; completing the charge credits the other account, writes the transfer document and deletes this.
/// </summary>
internal sealed record ChargeDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string Pk { get; init; }
    public string Type { get; init; } = "charge";
    public required Transfer Request { get; init; }

    /// <summary>The credit account's partition (the shard chosen from the transfer id) that takes the credit.</summary>
    public required string CreditPartition { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long CreatedMicros { get; init; }

    /// <summary>The time of the debit entry written with this record (the audit compares it with the account's last entry).</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long DebitMicros { get; init; }

    /// <summary>The caller's own record of the charge, handed to <see cref="IChargeRecorder"/> if the caller died before keeping it.</summary>
    public string? Memo { get; init; }
}

/// <summary>Where a transfer document stands. Decisions are compare-and-swaps on this field.</summary>
internal enum TransferState
{
    /// <summary>Recorded, nothing decided: no side has been applied.</summary>
    InFlight = 0,

    /// <summary>Decided to apply: the sides are being (or have been) applied.</summary>
    Committing = 1,
    Applied = 2,
    Failed = 3,
}

/// <summary>
/// A transfer in the transfers container (partition = id): the request as submitted, the record of what is in
/// flight, and, for a hold, its state. Creating it is what makes a transfer id exist once across all partitions.
/// </summary>
internal sealed record TransferDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public string Type { get; init; } = "transfer";
    public required Transfer Request { get; init; }
    public TransferState State { get; init; }
    public string? Failure { get; init; }

    /// <summary>True for the ledger's own expiry of a hold (a void that leaves the hold "expired").</summary>
    public bool IsExpiry { get; init; }

    public string? DebitAccountId { get; init; }
    public string? CreditAccountId { get; init; }
    public string? Currency { get; init; }
    public long AmountMinor { get; init; }

    /// <summary>For a post or void: the hold's whole amount, which leaves the pending totals.</summary>
    public long ReleasedMinor { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long CreatedMicros { get; init; }

    public long Timestamp { get; init; }

    /// <summary>For a hold with a timeout: when it expires (Unix microseconds); 0 = never.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long ExpiresMicros { get; init; }
    public PendingState HoldState { get; init; }

    /// <summary>For a link of a linked chain: the chain document that owns it.</summary>
    public string? ChainId { get; init; }

    /// <summary>For a hold: the post, void or expiry that claimed it.</summary>
    public string? ResolvedBy { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    public TransferRecord ToRecord() => new(
        Request,
        DebitAccountId is null ? default : LedgerKeys.ParseId(DebitAccountId),
        CreditAccountId is null ? default : LedgerKeys.ParseId(CreditAccountId),
        AmountMinor,
        Currency is null ? default : Pipeline.Domain.Monetary.Currency.Parse(Currency),
        Timestamp,
        ExpiresMicros == 0 ? 0 : CosmosTime.ToTicks(ExpiresMicros),
        HoldState);
}

/// <summary>
/// A linked chain in the transfers container (id derived from its links' ids): the links as submitted, and the
/// chain's decision. Its links are applied as holds first and posted only when every hold is in place.
/// </summary>
internal sealed record ChainDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public string Type { get; init; } = "chain";
    public required Transfer[] Links { get; init; }

    /// <summary>Which run of these links this is: a chain submitted again after a failure that decided no id runs again.</summary>
    public int Run { get; init; }

    /// <summary>On the first run: the newest run, so a submission goes straight to it.</summary>
    public int LatestRun { get; init; }

    public TransferState State { get; init; }

    /// <summary>For a failed chain: the link that failed, and why.</summary>
    public int FailedLink { get; init; } = -1;

    public string? Failure { get; init; }

    /// <summary>For a failed chain: every hold it placed is released and its link documents are settled.</summary>
    public bool CleanedUp { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long CreatedMicros { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}
