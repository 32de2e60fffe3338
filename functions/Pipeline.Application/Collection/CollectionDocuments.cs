using System.Text.Json.Serialization;
using Pipeline.Domain.Collection;

namespace Pipeline.Application.Collection;

/// <summary>A collection (container "collections", partition = merchant): an amount a payer owes, and where it is paid.</summary>
public sealed record CollectionDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string MerchantId { get; init; }
    public required long AmountMinor { get; init; }
    public required string Currency { get; init; }
    public required CollectionPayer Payer { get; init; }
    public required long DueAtMicros { get; init; }
    public string? OrderReference { get; init; }
    public long ToleranceMinor { get; init; }
    public string? WalletId { get; init; }

    /// <summary>The payer's virtual account (electronic IBAN).</summary>
    public required string VirtualAccount { get; init; }

    /// <summary>The collection's ISO 11649 reference (RF…), electronic format.</summary>
    public required string CreditorReference { get; init; }

    public required CollectionStatus Status { get; init; }
    public long PaidMinor { get; init; }
    public required long CreatedMicros { get; init; }
    public required long UpdatedMicros { get; init; }

    /// <summary>When its reminder went out (Unix microseconds), or null.</summary>
    public long? RemindedMicros { get; init; }

    /// <summary>How many events the collection has emitted: the last one's sequence.</summary>
    public long EventSequence { get; init; }

    /// <summary>The bank credits that paid towards it (at most <see cref="CollectionLimits.CreditsMax"/>), each once.</summary>
    public IReadOnlyList<AppliedCredit> Credits { get; init; } = [];

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <param name="Reference">The merchant's own reference for the payer (its customer number): one virtual account per payer and reference.</param>
public sealed record CollectionPayer(string Name, string Reference);

/// <summary>
/// A virtual account (container "virtual-accounts", partition = id): the IBAN's document names its merchant and payer,
/// so a bank credit finds them; the payer's document names its IBAN, so the payer keeps one account; the counter gives
/// out the serials.
/// </summary>
public sealed record VirtualAccountDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public string? MerchantId { get; init; }
    public string? PayerReference { get; init; }
    public string? Iban { get; init; }

    /// <summary>On an IBAN given out for one collection (<see cref="CollectionOptions.AccountPerCollection"/>): that collection.</summary>
    public string? CollectionId { get; init; }

    /// <summary>On the counter: the last serial given out.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long LastSerial { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}
