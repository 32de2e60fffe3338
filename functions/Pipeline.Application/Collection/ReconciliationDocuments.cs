using System.Text.Json.Serialization;

namespace Pipeline.Application.Collection;

/// <summary>Why a person must look at something the matching or a statement could not settle (docs/COLLECTION.md "Exceptions").</summary>
public enum ExceptionKind
{
    /// <summary>A credit to an account and reference nobody knows: in suspense.</summary>
    UnknownAccount,

    /// <summary>A credit for an expired or canceled collection: on the payer's balance.</summary>
    CollectionClosed,

    /// <summary>A credit for a collection paid already: on the payer's balance.</summary>
    CollectionAlreadyPaid,

    /// <summary>A credit from a payer with no open collection in its currency: on the payer's balance.</summary>
    NoOpenCollection,

    /// <summary>A credit in another currency than the collection it names: on the payer's balance.</summary>
    CurrencyMismatch,

    /// <summary>The excess of an overpayment, on the payer's balance: apply it to the payer's next collection (match), refund it, or keep it.</summary>
    Overpaid,

    /// <summary>A statement lists a credit with other details (amount, currency, account, date) than the bank's webhook announced.</summary>
    StatementDisagrees,

    /// <summary>A credit the webhook announced and the statements of its booking date (and a tolerance after) do not list.</summary>
    NotOnStatement,

    /// <summary>A debit on the statement no refund of ours explains: money left the collection account without our order.</summary>
    UnexplainedDebit,
}

public enum ExceptionStatus
{
    Open,

    /// <summary>A resolution is under way (decided and stored; its money moving).</summary>
    Resolving,

    Resolved,
}

/// <summary>How an exception is resolved: each moves the money it holds, once, with who and why.</summary>
public enum ResolutionAction
{
    /// <summary>Pay a collection with it (through the matching ladder, as a credit naming that collection would).</summary>
    Match,

    /// <summary>Send it back to the payer's bank: a payout instruction (pain.001 for EUR).</summary>
    Refund,

    /// <summary>Keep it: to the write-off account (the platform's for suspense, the merchant's for a payer's balance).</summary>
    WriteOff,

    /// <summary>Nothing to move (an exception about a record, such as a statement's disagreement): noted as looked at.</summary>
    Acknowledge,
}

/// <summary>
/// A reconciliation exception (container "reconciliation-exceptions", partition = owner: the merchant's id, or
/// "platform" for what belongs to no merchant yet). Its id derives from what raised it, so raising it again is a no-op.
/// </summary>
public sealed record ExceptionDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string Owner { get; init; }
    public required ExceptionKind Kind { get; init; }
    public required ExceptionStatus Status { get; init; }
    public string? MerchantId { get; init; }
    public string? CreditId { get; init; }
    public required string BankTransactionId { get; init; }
    public required long AmountMinor { get; init; }
    public required string Currency { get; init; }
    public string? VirtualAccount { get; init; }
    public string? PayerReference { get; init; }
    public string? PayerName { get; init; }
    public string? RemittanceInfo { get; init; }

    /// <summary>Where the money sits until it is resolved: "suspense", a payer's balance wallet id, or null when the exception holds no money.</summary>
    public string? HeldIn { get; init; }

    /// <summary>What the statement said, for <see cref="ExceptionKind.StatementDisagrees"/>.</summary>
    public string? Detail { get; init; }

    public required long CreatedMicros { get; init; }
    public required long UpdatedMicros { get; init; }
    public ExceptionResolution? Resolution { get; init; }

    /// <summary>For a refund: the bank reference of the statement debit that executed it (claimed once; any other debit citing it is unexplained).</summary>
    public string? ExecutedBy { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <param name="By">Who resolved it: "admin", or "merchant:&lt;id&gt;".</param>
/// <param name="Refund">For a refund: where the money goes back to.</param>
public sealed record ExceptionResolution(ResolutionAction Action, string By, string Reason, long AtMicros, string? CollectionId, RefundAccount? Refund);

/// <summary>The payer's bank account a refund goes to (electronic IBAN).</summary>
public sealed record RefundAccount(string Name, string Iban, string? Bic = null);
