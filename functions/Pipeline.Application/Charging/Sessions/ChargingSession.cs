using System.Text.Json.Serialization;
using Pipeline.Domain.Charging;

namespace Pipeline.Application.Charging.Sessions;

/// <summary>Where a session is: open (no decision on money yet), authorized (a hold), rejected, finalizing (its price fixed, being captured), completed.</summary>
public enum SessionStatus
{
    Open,
    Authorized,
    Rejected,
    Finalizing,
    Completed,
}

/// <summary>Why a session ended: the station said so, no event came for the idle timeout, or it reached its maximum duration (or its hold's expiry).</summary>
public enum SessionEndReason
{
    Ended,
    IdleTimeout,
    MaxDuration,
}

/// <summary>One transaction event as a session keeps it: what pricing needs, and what an operator needs to check it.</summary>
public sealed record SessionEventRecord
{
    public required long SeqNo { get; init; }
    public required string EventType { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public required string TriggerReason { get; init; }
    public string? ChargingState { get; init; }
    public string? StoppedReason { get; init; }
    public bool Offline { get; init; }
    public IReadOnlyList<EnergyReading> Readings { get; init; } = [];

    /// <summary>The idToken and its type as the station sent them, and the id a token registered with them has (its type and value, normalised).</summary>
    public string? IdToken { get; init; }
    public string? IdTokenType { get; init; }
    public string? TokenId { get; init; }

    public long ReceivedMicros { get; init; }

    /// <summary>A second copy of an event (same seqNo) is the same event when these agree; stations resend an unanswered event as it was.</summary>
    public bool SameAs(SessionEventRecord other) =>
        other is not null && SeqNo == other.SeqNo && EventType == other.EventType && Timestamp == other.Timestamp && ChargingState == other.ChargingState
        && Readings.SequenceEqual(other.Readings) && TokenId == other.TokenId;

    public UsageFact ToFact() => new(SeqNo, Timestamp,
        ChargingState is null ? null : Enum.Parse<Domain.Charging.ChargingState>(ChargingState), Readings);
}

/// <summary>The money decision on a session: the token's answer and, when Accepted, the hold (a payment with manual capture).</summary>
public sealed record SessionAuthorization
{
    /// <summary>OCPP AuthorizationStatusEnumType: Accepted, Invalid, Blocked, NoCredit.</summary>
    public required string Status { get; init; }
    public string? TokenId { get; init; }
    public string? WalletId { get; init; }
    public string? PaymentId { get; init; }

    /// <summary>The hold in minor units: the first authorisation plus every increment.</summary>
    public long HoldMinor { get; init; }

    /// <summary>Increments made (the next one's idempotency key is derived from this count, so racing requests make it once).</summary>
    public int Increments { get; init; }
}

/// <summary>How a session ended and what it cost: the price fixed when it began finalizing, then what the hold gave.</summary>
public sealed record SessionOutcome
{
    public required SessionEndReason Reason { get; init; }
    public required DateTimeOffset EndedAt { get; init; }
    public required PriceQuote Cost { get; init; }
    public required long TotalMinor { get; init; }

    /// <summary>
    /// What the capture takes, fixed with the price: the price, or what the payment could capture when that was less. Fixed
    /// so every run of the capture (a request's, the orchestration's) asks the payment for the same amount under the same key.
    /// </summary>
    public long CaptureMinor { get; init; }

    public long? CapturedMinor { get; init; }
    public long? ReleasedMinor { get; init; }

    /// <summary>What the hold did not cover (a session that ran past a refused increment): the operator's to collect.</summary>
    public long? UncollectedMinor { get; init; }
}

/// <summary>
/// A charging session, one document per station and transaction in the merchant's partition of <c>charging-sessions</c>
/// (docs/CHARGING.md "Sessions"). It keeps every transaction event the station sent (deduplicated by seqNo), the tariff
/// as it was when the session began (a tariff replaced mid-session does not reprice it), and the decisions made. Every
/// change is a replace If-Match; a change that emits an event writes it in the same batch (the outbox).
/// </summary>
public sealed record ChargingSession
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    public required string MerchantId { get; init; }
    public required string StationId { get; init; }
    public required string TransactionId { get; init; }
    public required SessionStatus Status { get; init; }
    public required OcpiTariff Tariff { get; init; }
    public required string TariffId { get; init; }
    public required string TimeZone { get; init; }
    public long? MaxEnergyWh { get; init; }

    /// <summary>When the session is ended whatever the station says: its maximum duration, or before its hold would expire.</summary>
    public required long DeadlineMicros { get; init; }

    public required IReadOnlyList<SessionEventRecord> Events { get; init; }
    public SessionAuthorization? Authorization { get; init; }
    public bool StopRequested { get; init; }
    public SessionOutcome? Outcome { get; init; }

    /// <summary>Events that came after the price was fixed: kept out of it (counted, and logged).</summary>
    public int LateEvents { get; init; }

    public long EventSequence { get; init; }
    public required long CreatedMicros { get; init; }
    public required long UpdatedMicros { get; init; }
    public required long LastEventMicros { get; init; }
    public string? ETag { get; init; }

    /// <summary>When the session began: its Started event's time, else the earliest event's.</summary>
    [JsonIgnore]
    public DateTimeOffset StartedAt => (StartedEvent ?? Events.MinBy(e => e.Timestamp)!).Timestamp;

    /// <summary>The Started event; of two (a station's defect), the one numbered first, whatever came first.</summary>
    [JsonIgnore]
    public SessionEventRecord? StartedEvent => Events.Where(e => e.EventType == OcppEnums.Started).MinBy(e => e.SeqNo);

    [JsonIgnore]
    public SessionEventRecord? EndedEvent => Events.Where(e => e.EventType == OcppEnums.Ended).MinBy(e => e.SeqNo);

    /// <summary>
    /// Every event from Started to Ended is here: seqNo runs without a gap from Started's to Ended's (OCPP numbers a
    /// transaction's events one by one), so the events a station sent offline have all arrived.
    /// </summary>
    [JsonIgnore]
    public bool IsComplete =>
        StartedEvent is { } started && EndedEvent is { } ended && ended.SeqNo >= started.SeqNo
        && Events.Select(e => e.SeqNo).Where(s => s >= started.SeqNo && s <= ended.SeqNo).Distinct().LongCount() == ended.SeqNo - started.SeqNo + 1;

    [JsonIgnore]
    public bool IsFinal => Status is SessionStatus.Finalizing or SessionStatus.Completed;
}
