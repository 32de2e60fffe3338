using System.Text.Json.Serialization;
using Pipeline.Application.Merchants;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Settlement;

/// <summary>
/// Where a merchant's settlement stands (container "settlements", the merchant's partition, id "state"): the last
/// event-log position settled, what each currency carries, the reserve still held, the payouts returned since, and the
/// settlement under way. Every change is a compare-and-swap on it, so one settlement at a time moves a merchant on,
/// whatever runs race (docs/SETTLEMENT.md "The protocol").
/// </summary>
public sealed record SettlementState
{
    public const string DocumentId = "state";

    [JsonPropertyName("id")]
    public string Id { get; init; } = DocumentId;

    public required string MerchantId { get; init; }

    public string Kind { get; init; } = SettlementKinds.State;

    /// <summary>Every capture and refund up to this event-log position is settled; none after it.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long Position { get; init; }

    /// <summary>
    /// How many capture and refund events the log held through <see cref="Position"/> (its head counts them): the next
    /// round checks that none expired before it was read. Null when the log did not count them (a head from before).
    /// </summary>
    public long? ItemsThrough { get; init; } = 0;

    /// <summary>Settlement rounds completed: a round's settlement ids are derived from it.</summary>
    public int Rounds { get; init; }

    /// <summary>Per currency: the amount carried to the next settlement, and the settlement it comes from.</summary>
    public IReadOnlyDictionary<string, CarriedAmount> Carried { get; init; } = new Dictionary<string, CarriedAmount>();

    public IReadOnlyList<ReserveTranche> Reserves { get; init; } = [];

    /// <summary>Payouts the bank returned, owed again by the next settlement of their currency.</summary>
    public IReadOnlyList<ReturnedPayout> Returned { get; init; } = [];

    /// <summary>The round under way: recorded before any of its effects, finished by whoever finds it.</summary>
    public SettlementRound? Pending { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

public sealed record CarriedAmount(long AmountMinor, string FromSettlementId);

/// <summary>
/// One round of a merchant's settlement, fixed before anything is written: the captures and refunds at event-log
/// positions (<see cref="FromPosition"/>, <see cref="ToPosition"/>], the prices they were charged under, and per
/// currency what it settles — everything a resumed round needs to write the same lines and transfers.
/// </summary>
public sealed record SettlementRound(
    string RunId, DateOnly Date, long CutoffMicros, long FromPosition, long ToPosition, long PlannedMicros, PayoutAccount? PayoutAccount,
    IReadOnlyList<PricedFrom> Pricing, IReadOnlyList<CurrencySettlement> Currencies)
{
    /// <summary>The state's <see cref="SettlementState.ItemsThrough"/> once the round is complete.</summary>
    public long? ItemsThrough { get; init; }
}

/// <summary>A currency's settlement in a round, with the terms it was computed from (so a resumed round computes the same lines).</summary>
public sealed record CurrencySettlement(
    string SettlementId, string Currency, SettlementTotals Totals, SettlementTerms Terms, string? PayoutId, string? PayoutWithheld, DateOnly? ReserveReleaseOn);

/// <summary>The <c>kind</c> of each document in the settlements container (outbox events have a <c>docType</c> instead).</summary>
public static class SettlementKinds
{
    public const string State = "state";
    public const string Settlement = "settlement";
    public const string Lines = "settlement_lines";
    public const string Payout = "payout";
}

/// <summary>A completed settlement of one merchant in one currency.</summary>
public sealed record SettlementDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string MerchantId { get; init; }
    public string Kind { get; init; } = SettlementKinds.Settlement;
    public required string Currency { get; init; }

    /// <summary>The settlement date (the merchant's day) of the run that made it.</summary>
    public required DateOnly Date { get; init; }

    public required string RunId { get; init; }
    public required long CutoffMicros { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public required long FromPosition { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public required long ToPosition { get; init; }

    public required SettlementTotals Totals { get; init; }
    public required int LineCount { get; init; }
    public required int LineChunks { get; init; }
    public string? PayoutId { get; init; }

    /// <summary>Why a positive net at or above the minimum was not paid out (no payout account): it is carried.</summary>
    public string? PayoutWithheld { get; init; }

    public DateOnly? ReserveReleaseOn { get; init; }
    public required long CreatedMicros { get; init; }
}

/// <summary>Up to <see cref="SettlementLimits.LinesPerChunk"/> lines of a settlement's report, in order.</summary>
public sealed record SettlementLinesDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string MerchantId { get; init; }
    public string Kind { get; init; } = SettlementKinds.Lines;
    public required string SettlementId { get; init; }
    public required int Index { get; init; }
    public required IReadOnlyList<SettlementLine> Lines { get; init; }

    public static string IdOf(string settlementId, int index) => $"{settlementId}:lines:{index:D5}";
}

public enum PayoutStatus
{
    /// <summary>Instructed: the money left the merchant's revenue for the payout clearing account; the bank file can be fetched.</summary>
    Created,

    /// <summary>The bank returned it: the money is back in the merchant's revenue and owed again.</summary>
    Returned,
}

/// <summary>A payout: what a settlement pays to the merchant's account.</summary>
public sealed record PayoutDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string MerchantId { get; init; }
    public string Kind { get; init; } = SettlementKinds.Payout;
    public required string SettlementId { get; init; }
    public required long AmountMinor { get; init; }
    public required string Currency { get; init; }
    public required PayoutAccount Account { get; init; }
    public required DateOnly ExecutionDate { get; init; }
    public required PayoutStatus Status { get; init; }
    public required long CreatedMicros { get; init; }
    public long? ReturnedMicros { get; init; }
    public string? ReturnReason { get; init; }

    /// <summary>How many events the payout has emitted: created is 1, returned 2.</summary>
    public required long EventSequence { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}
