using System.Text.Json.Serialization;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Payments;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Payments;

public sealed record PaymentSource(string WalletId);

public sealed record CreatePaymentRequest(
    long Amount,
    string Currency,
    PaymentSource Source,
    CaptureMethod CaptureMethod = CaptureMethod.Automatic,
    string? Reference = null,
    IReadOnlyDictionary<string, string>? Metadata = null) : IValidatable
{
    /// <summary>The payment this request opens, as the domain compares payments.</summary>
    public PaymentTerms Terms() => new(Amount, Currency, Source.WalletId, CaptureMethod, Reference, Metadata);

    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        AmountRules.CheckAmount(Amount, "amount", errors);
        if (!Domain.Monetary.Currency.TryParse(Currency, out _))
        {
            errors["currency"] = ["Use an active ISO 4217 code in upper case, e.g. EUR."];
        }

        if (string.IsNullOrWhiteSpace(Source.WalletId))
        {
            errors["source.walletId"] = ["Give the id of the wallet that pays."];
        }

        if (Reference is { } reference && (string.IsNullOrWhiteSpace(reference) || reference.Length > WalletLimits.ReferenceLengthMax))
        {
            errors["reference"] = [$"Give a reference of 1 to {WalletLimits.ReferenceLengthMax} characters, or none."];
        }

        if (Metadata is { } metadata
            && (metadata.Count > PaymentLimits.MetadataKeysMax
                || metadata.Any(m => m.Key.Length is 0 or > PaymentLimits.MetadataKeyLengthMax || m.Value is null || m.Value.Length > PaymentLimits.MetadataValueLengthMax)))
        {
            errors["metadata"] = [$"Up to {PaymentLimits.MetadataKeysMax} keys of 1 to {PaymentLimits.MetadataKeyLengthMax} characters, string values up to {PaymentLimits.MetadataValueLengthMax}."];
        }

        return errors;
    }
}

/// <param name="Amount">What to capture; all that is capturable when left out. The rest is released at once.</param>
public sealed record CaptureRequest(long? Amount = null) : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate() => AmountRules.CheckOptional(Amount);
}

public sealed record IncrementRequest(long Amount) : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        AmountRules.CheckAmount(Amount, "amount", errors);
        return errors;
    }
}

/// <param name="Amount">What to give back; all that is still refundable when left out.</param>
public sealed record RefundRequest(long? Amount = null) : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate() => AmountRules.CheckOptional(Amount);
}

/// <summary>A cancel takes no fields; an empty object (or no body) is fine.</summary>
public sealed record CancelRequest : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate() => new Dictionary<string, string[]>();
}

/// <summary>One authorisation of the payment (the first, then one per increment): a ledger hold.</summary>
/// <param name="ResolvedByTransferId">The capture or release that ended it; null while held or when it expired in the ledger.</param>
public sealed record HoldView(string TransferId, long Amount, HoldState State, long AmountCaptured, string? ResolvedByTransferId);

public sealed record RefundView(string TransferId, long Amount, DateTimeOffset CreatedAt);

/// <param name="Amount">What was authorised: the charge, or the first hold plus every increment.</param>
/// <param name="ChargeTransferId">For an automatic payment, the ledger transfer that moved the money.</param>
/// <param name="CapturedAt">When the money was captured (the charge, or the capture); null before.</param>
public sealed record PaymentView(
    string Id,
    PaymentStatus Status,
    long Amount,
    string Currency,
    long AmountCapturable,
    long AmountCaptured,
    long AmountRefunded,
    CaptureMethod CaptureMethod,
    PaymentSource Source,
    string? Reference,
    IReadOnlyDictionary<string, string>? Metadata,
    string? DeclineCode,
    CancellationReason? CancellationReason,
    DateTimeOffset? ExpiresAt,
    string? ChargeTransferId,
    IReadOnlyList<HoldView> Holds,
    IReadOnlyList<RefundView> Refunds,
    DateTimeOffset? CapturedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// The platform's fee on the captured amount, under the merchant's price in force at <see cref="CapturedAt"/>: what
    /// settlement takes (docs/SETTLEMENT.md). Shown by GET /payments and GET /payments/{id}; not in events, whose data is
    /// the payment alone.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Fee { get; init; }

    /// <summary>The view with its fee under <paramref name="pricing"/> (none before a capture).</summary>
    public PaymentView WithFee(PricingSchedule pricing)
    {
        ArgumentNullException.ThrowIfNull(pricing);
        return CapturedAt is { } at ? this with { Fee = pricing.FeeOf(Currency, AmountCaptured, CosmosTime.ToMicros(at)) } : this;
    }
}

/// <param name="Next">The cursor for the next page (?after=), or null on the last page.</param>
public sealed record PaymentsPage(IReadOnlyList<PaymentView> Payments, string? Next);
