using System.Text.Json.Serialization;
using Pipeline.Application.Cosmos;

namespace Pipeline.Application.Charging.Sessions;

/// <param name="Status">OCPP AuthorizationStatusEnumType: Accepted, Invalid, Blocked or NoCredit.</param>
/// <param name="PaymentId">The payment that holds the money (GET /payments/{id}); none unless Accepted.</param>
public sealed record SessionAuthorizationView(string Status, string? TokenId, string? WalletId, string? PaymentId, long HoldAmount, int Increments);

/// <summary>
/// A charging session as the API shows it. <see cref="Cost"/> is the final price once the session ends, the running
/// price until then; amounts in minor units of <see cref="Currency"/>. <see cref="Cdr"/> once completed.
/// </summary>
public sealed record SessionView(
    string Id, string StationId, string TransactionId, SessionStatus Status, string TariffId, string Currency,
    DateTimeOffset StartedAt, DateTimeOffset? EndedAt, SessionEndReason? EndReason, DateTimeOffset LastEventAt,
    decimal EnergyWh, SessionAuthorizationView? Authorization, bool StopRequested,
    PriceQuote Cost, long TotalAmount, long? CapturedAmount, long? ReleasedAmount, long? UncollectedAmount,
    int EventsReceived, int LateEvents, OcpiCdr? Cdr, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record SessionsPage(IReadOnlyList<SessionView> Sessions, string? Next);

/// <summary>An OCPI 2.2.1 CDR's token: the uid the driver presented and its type.</summary>
public sealed record OcpiCdrToken([property: JsonPropertyName("uid")] string Uid, [property: JsonPropertyName("type")] string Type);

/// <summary>
/// The session's charge detail record, in OCPI 2.2.1's CDR shape (snake_case): what roaming partners exchange and
/// check. The location is the station; the totals are those the session captured.
/// </summary>
public sealed record OcpiCdr(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("start_date_time")] DateTimeOffset StartDateTime,
    [property: JsonPropertyName("end_date_time")] DateTimeOffset EndDateTime,
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("cdr_token")] OcpiCdrToken? CdrToken,
    [property: JsonPropertyName("auth_method")] string AuthMethod,
    [property: JsonPropertyName("location_id")] string LocationId,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("tariff_id")] string TariffId,
    [property: JsonPropertyName("charging_periods")] IReadOnlyList<OcpiChargingPeriod> ChargingPeriods,
    [property: JsonPropertyName("total_cost")] OcpiCost TotalCost,
    [property: JsonPropertyName("total_fixed_cost")] OcpiCost TotalFixedCost,
    [property: JsonPropertyName("total_energy")] decimal TotalEnergy,
    [property: JsonPropertyName("total_energy_cost")] OcpiCost TotalEnergyCost,
    [property: JsonPropertyName("total_time")] decimal TotalTime,
    [property: JsonPropertyName("total_time_cost")] OcpiCost TotalTimeCost,
    [property: JsonPropertyName("total_parking_time")] decimal TotalParkingTime,
    [property: JsonPropertyName("total_parking_cost")] OcpiCost TotalParkingCost,
    [property: JsonPropertyName("last_updated")] DateTimeOffset LastUpdated);

public static class SessionViews
{
    public static SessionView Of(ChargingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var outcome = session.Outcome;
        var end = outcome?.EndedAt ?? SessionPricing.LatestTime(session);
        var (cost, total) = outcome is null ? Running(session) : (outcome.Cost, outcome.TotalMinor);
        var authorization = session.Authorization is { } a
            ? new SessionAuthorizationView(a.Status, a.TokenId, a.WalletId, a.PaymentId, a.HoldMinor, a.Increments)
            : null;
        return new SessionView(
            session.Id, session.StationId, session.TransactionId, session.Status, session.TariffId, session.Tariff.Currency,
            session.StartedAt, outcome?.EndedAt, outcome?.Reason, Time(session.LastEventMicros),
            outcome is null ? SessionPricing.EnergyWh(session, end) : outcome.Cost.TotalEnergy * 1000m, authorization, session.StopRequested,
            cost, total, outcome?.CapturedMinor, outcome?.ReleasedMinor, outcome?.UncollectedMinor,
            session.Events.Count, session.LateEvents, session.Status == SessionStatus.Completed ? Cdr(session, outcome!) : null,
            Time(session.CreatedMicros), Time(session.UpdatedMicros));
    }

    private static (PriceQuote, long) Running(ChargingSession session)
    {
        var price = SessionPricing.Running(session);
        return (price.Quote, price.TotalMinor);
    }

    private static OcpiCdr Cdr(ChargingSession session, SessionOutcome outcome)
    {
        var token = session.Authorization?.TokenId is { } tokenId
            ? session.Events.Where(e => e.TokenId == tokenId).Select(e => new OcpiCdrToken(e.IdToken!, e.IdTokenType!)).FirstOrDefault()
            : null;
        // From the price as it was fixed: events that came after it change neither the capture nor the CDR.
        var c = outcome.Cost;
        var periods = c.ChargingPeriods.Select(p => new OcpiChargingPeriod(p.StartDateTime,
            [.. new[] { ("ENERGY", p.Energy), ("TIME", p.Time), ("PARKING_TIME", p.ParkingTime) }.Where(d => d.Item2 != 0).Select(d => new OcpiCdrDimension(d.Item1, d.Item2))],
            session.TariffId)).ToList();
        return new OcpiCdr(
            Http.ResourceIds.Derived("cdr_", session.Id), session.StartedAt, outcome.EndedAt, session.Id, token, "AUTH_REQUEST", session.StationId,
            c.Currency, session.TariffId, periods, c.TotalCost, c.TotalFixedCost, c.TotalEnergy, c.TotalEnergyCost, c.TotalTime, c.TotalTimeCost,
            c.TotalParkingTime, c.TotalParkingCost, Time(session.UpdatedMicros));
    }

    private static DateTimeOffset Time(long micros) => new(CosmosTime.ToTicks(micros), TimeSpan.Zero);
}
