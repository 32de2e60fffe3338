using System.Text.Json.Serialization;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Merchants;

/// <summary>A merchant (container "merchants", partition = id). Its API keys are kept only as hashes, at most two active.</summary>
internal sealed record MerchantDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string Name { get; init; }
    public required string[] ApiKeyHashes { get; init; }
    /// <summary>The price set last (any currency), as PUT /pricing answered it; <see cref="Prices"/> has them all, over time.</summary>
    public Pricing? Pricing { get; init; }

    /// <summary>Every currency's prices with the time each took effect; null on a merchant priced before prices were kept over time.</summary>
    public PricedFrom[]? Prices { get; init; }

    public SettlementSettings? Settlement { get; init; }

    public PayoutAccount? PayoutAccount { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long CreatedMicros { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>The index from an API key's hash to its merchant (container "api-keys", partition = the hash): one point read per request.</summary>
internal sealed record ApiKeyDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string MerchantId { get; init; }
}

/// <summary>What the platform charges a merchant per payment in a currency: a percentage in basis points plus a fixed amount.</summary>
public sealed record Pricing(int PercentBps, long FixedMinor, string Currency);

/// <summary>A merchant's price in one currency, and since when (what its captures from then on are charged).</summary>
public sealed record PriceView(string Currency, int PercentBps, long FixedMinor, DateTimeOffset EffectiveFrom);

internal static class MerchantPricing
{
    /// <summary>
    /// The merchant's prices over time. A merchant priced before prices were kept over time has its one price from the
    /// start (nothing was charged with it then: fees begin with settlement).
    /// </summary>
    public static PricingSchedule ScheduleOf(MerchantDocument merchant) =>
        merchant.Prices is { } prices ? new(prices)
        : merchant.Pricing is { } pricing ? PricingSchedule.None.With(new PricedFrom(pricing.Currency, new FeeRule(pricing.PercentBps, pricing.FixedMinor), 0), 0)
        : PricingSchedule.None;
}
