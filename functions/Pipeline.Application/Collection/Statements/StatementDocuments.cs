using System.Text.Json.Serialization;

namespace Pipeline.Application.Collection.Statements;

public enum StatementStatus
{
    /// <summary>Its entries are being taken (an import that died here is finished by importing the same file again).</summary>
    Importing,

    Imported,
}

/// <summary>
/// An imported statement (container "statements", partition = id): its id derives from the bank's message and
/// statement ids and the account, so the same statement imported again is recognised — and one with the same ids but
/// other entries refused.
/// </summary>
public sealed record StatementDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string MessageId { get; init; }
    public required string StatementId { get; init; }
    public required string AccountIban { get; init; }

    /// <summary>SHA-256 of its entries as read: the same ids with other entries are another statement, refused.</summary>
    public required string EntriesHash { get; init; }

    public required StatementStatus Status { get; init; }
    public required long CreatedMicros { get; init; }
    public StatementReport? Report { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>What an import did with a statement's entries.</summary>
/// <param name="CreditsAnnounced">Booked credits the bank's webhook had announced: confirmed.</param>
/// <param name="CreditsBooked">Booked credits no webhook announced: booked now through the matching ladder.</param>
/// <param name="CreditsDisagreeing">Credits the webhook announced with other details: each an exception.</param>
/// <param name="RefundsConfirmed">Debits that execute our refunds (their end-to-end id): the money left the bank.</param>
/// <param name="DebitsUnexplained">Debits nothing of ours explains: each an exception.</param>
/// <param name="PendingSkipped">Entries not booked yet (PDNG, INFO): taken when a statement lists them booked.</param>
/// <param name="ZeroSkipped">Booked entries of zero (the schema allows them): nothing moved, nothing to book.</param>
/// <param name="NotOnStatement">Announced credits booked two days or more before this statement's last booking date that no statement lists: each an exception.</param>
/// <param name="ClosingBalance">The statement's closing booked balance (CLBD), if it states one.</param>
/// <param name="ClearingBalance">
/// The ledger's bank clearing account in that currency after the import: what the platform believes the bank holds.
/// With every statement of the account imported, the two are equal; a difference is money the ledger and the bank
/// disagree on (an exception above, or a statement not imported).
/// </param>
public sealed record StatementReport(
    string Id, string MessageId, string StatementId, string Account, int Entries, int CreditsAnnounced, int CreditsBooked, int CreditsDisagreeing,
    int RefundsConfirmed, int DebitsUnexplained, int PendingSkipped, int ZeroSkipped, int NotOnStatement, string? Currency, long? ClosingBalance, long? ClearingBalance,
    DateTimeOffset ImportedAt);

/// <summary>The reports of a file's statements (a camt.053 document may hold several).</summary>
public sealed record StatementsImported(IReadOnlyList<StatementReport> Statements);
