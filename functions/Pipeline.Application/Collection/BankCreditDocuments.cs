using System.Text.Json.Serialization;
using Pipeline.Domain.Collection;

namespace Pipeline.Application.Collection;

/// <summary>Where a bank credit's processing stands (docs/COLLECTION.md "Bank credits").</summary>
public enum BankCreditState
{
    /// <summary>Stored; its placement not decided yet.</summary>
    Received,

    /// <summary>Its placement decided (and, for a collection, being recorded on it); its money not booked yet.</summary>
    Decided,

    /// <summary>Its money booked in the ledger and its exception, if any, raised: done.</summary>
    Booked,
}

/// <summary>How a credit reached us: the bank's webhook, a statement that listed it (the webhook never came), or a person's resolution of an exception.</summary>
public enum BankCreditSource
{
    Webhook,
    Statement,

    /// <summary>Money an exception held, matched to a collection by a person: funded from suspense, not from the bank.</summary>
    Resolution,
}

/// <summary>
/// A bank credit to one of the platform's collection accounts (container "bank-credits", partition = id, the id
/// derived from the bank's transaction id so the same credit is one document however often it is announced). It is
/// the record of what the credit does: its placement is decided once and stored here before any money moves, and
/// the ledger transfers' ids derive from its id, so finishing it again after a crash books nothing twice.
/// </summary>
public sealed record BankCreditDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string BankTransactionId { get; init; }

    /// <summary>The account credited (electronic IBAN): one of the virtual accounts, or any other account of the bank's range.</summary>
    public required string VirtualAccount { get; init; }

    public required long AmountMinor { get; init; }
    public required string Currency { get; init; }
    public string? PayerName { get; init; }
    public string? RemittanceInfo { get; init; }

    /// <summary>The RF reference found in the remittance information, normalized; null when it carried none.</summary>
    public string? CreditorReference { get; init; }

    public string? EndToEndId { get; init; }

    /// <summary>The bank's booking date of the credit.</summary>
    public required DateOnly BookedOn { get; init; }

    public required BankCreditSource Source { get; init; }
    public required BankCreditState State { get; init; }
    public required long ReceivedMicros { get; init; }
    public long UpdatedMicros { get; init; }

    /// <summary>Once decided: where it goes (null until then).</summary>
    public CreditPlacement? Placement { get; init; }

    /// <summary>For a credit a statement listed first: the bank reference of the webhook that announced it later under another one.</summary>
    public string? AnnouncedAs { get; init; }

    /// <summary>The statement that listed it (docs/COLLECTION.md "Statements"), once one has.</summary>
    public string? StatementId { get; init; }

    /// <summary>
    /// The bank reference of the statement line that listed it, claimed by compare-and-swap: its own reference, or
    /// another one when the line was matched by details. One line, one credit: a line that finds a credit claimed by
    /// another is never confirmed by it, and a line that names a credit exactly takes it back from one matched by details.
    /// </summary>
    public string? ListedAs { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>
/// Where a credit goes, decided once. For a collection, <see cref="CollectionETag"/> is the version of the collection
/// the decision was made on: it is recorded on that version only (If-Match), so a decision made on a collection that
/// changed meanwhile can never be recorded, and is made again instead.
/// </summary>
/// <param name="MerchantId">The merchant whose account or collection it is; null for a credit nobody can place (suspense).</param>
/// <param name="PayerReference">The payer whose virtual account was credited, or the named collection's payer; null for suspense.</param>
/// <param name="WalletId">The wallet the collection's part lands in (the collection's, or the merchant's collection wallet).</param>
public sealed record CreditPlacement(
    string? MerchantId,
    string? PayerReference,
    string? CollectionId,
    string? CollectionETag,
    string? WalletId,
    IReadOnlyList<Allocation> Allocations,
    long WrittenOffMinor,
    CollectionStatus? NewStatus,
    MatchException? Exception);

/// <summary>A credit recorded on the collection it paid: the collection's own list, so a credit is counted once however often it is processed.</summary>
/// <param name="AmountMinor">The credit's part that went to the collection.</param>
/// <param name="WrittenOffMinor">A shortfall within tolerance written off with it.</param>
public sealed record AppliedCredit(string CreditId, string BankTransactionId, long AmountMinor, long WrittenOffMinor, long AtMicros);
