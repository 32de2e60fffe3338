using Pipeline.Domain.Charging;

namespace Pipeline.Application.Charging.Sessions;

/// <summary>A session priced up to a moment: the quote (OCPI totals and periods), its total in minor units, and the periods it priced.</summary>
public sealed record SessionPriceResult(PriceQuote Quote, long TotalMinor, ChargingSessionUsage Usage);

/// <summary>
/// Prices a session from the events it kept, with the tariff it began under (<see cref="SessionTimeline"/> then
/// <see cref="TariffPricing"/>). Events numbered after the Ended event are left out: they cannot belong to the
/// transaction, and leaving them out keeps the price of a complete session fixed whatever arrives later.
/// </summary>
public static class SessionPricing
{
    public static SessionPriceResult Price(ChargingSession session, DateTimeOffset end)
    {
        ArgumentNullException.ThrowIfNull(session);
        var start = session.StartedAt;
        var usage = SessionTimeline.Usage(Facts(session), start, end < start ? start : end, TimeZoneInfo.FindSystemTimeZoneById(session.TimeZone));
        var tariff = TariffValidation.ToDomain(session.TariffId, session.Tariff);
        var price = TariffPricing.Price(tariff, usage);
        return new SessionPriceResult(PriceQuoteValidation.ToQuote(session.TariffId, price), CostRounding.ToMinor(price.TotalCost.InclVat, tariff.Currency), usage);
    }

    /// <summary>The running price: up to the Ended event, else the latest moment an event or a reading of the session speaks of.</summary>
    public static SessionPriceResult Running(ChargingSession session) => Price(session, session?.EndedEvent?.Timestamp ?? LatestTime(session!));

    /// <summary>The energy delivered up to <paramref name="end"/>, in Wh.</summary>
    public static decimal EnergyWh(ChargingSession session, DateTimeOffset end) => SessionTimeline.EnergyWh(Facts(session), end);

    public static DateTimeOffset LatestTime(ChargingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var facts = Facts(session).ToList();
        return facts.Select(f => f.At).Concat(facts.SelectMany(f => f.Readings).Select(r => r.At)).Max();
    }

    private static IEnumerable<UsageFact> Facts(ChargingSession session)
    {
        var ended = session.EndedEvent;
        return session.Events.Where(e => ended is null || e.SeqNo <= ended.SeqNo).Select(e => e.ToFact());
    }
}
