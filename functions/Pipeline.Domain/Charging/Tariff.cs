using Pipeline.Domain.Monetary;

namespace Pipeline.Domain.Charging;

/// <summary>What a price component bills (OCPI 2.2.1 TariffDimensionType): ENERGY per kWh, TIME and PARKING_TIME per hour, FLAT once.</summary>
public enum TariffDimension
{
    Energy,
    Flat,
    ParkingTime,
    Time,
}

/// <summary>
/// One price of a tariff element (OCPI PriceComponent): <see cref="Price"/> per unit excluding VAT, <see cref="VatPercent"/>
/// (null: no VAT applies — not the same as 0 %), billed in blocks of <see cref="StepSize"/> (Wh for energy, seconds for time).
/// </summary>
public sealed record PriceComponent(TariffDimension Type, decimal Price, decimal? VatPercent, int StepSize)
{
    /// <summary>The amount including VAT for an amount excluding it.</summary>
    public decimal WithVat(decimal exclVat) => VatPercent is { } vat ? exclVat * (1 + (vat / 100)) : exclVat;
}

/// <summary>
/// When an element applies (OCPI TariffRestrictions), all set fields together (AND). Times, dates and days are the
/// location's local ones; lower bounds are inclusive, upper bounds exclusive; an <see cref="EndTime"/> before
/// <see cref="StartTime"/> wraps past midnight and 00:00 as an end means the end of the day. Durations count from the
/// session's start, energy is what the session consumed before the period.
/// </summary>
public sealed record TariffRestrictions
{
    public TimeOnly? StartTime { get; init; }
    public TimeOnly? EndTime { get; init; }
    public DateOnly? StartDate { get; init; }
    public DateOnly? EndDate { get; init; }
    public decimal? MinKwh { get; init; }
    public decimal? MaxKwh { get; init; }
    public decimal? MinCurrent { get; init; }
    public decimal? MaxCurrent { get; init; }
    public decimal? MinPower { get; init; }
    public decimal? MaxPower { get; init; }
    public int? MinDurationSeconds { get; init; }
    public int? MaxDurationSeconds { get; init; }
    public IReadOnlyList<DayOfWeek> DaysOfWeek { get; init; } = [];

    /// <summary>Set on elements that price a reservation: they never price a charging session's periods.</summary>
    public string? Reservation { get; init; }
}

public sealed record TariffElement(IReadOnlyList<PriceComponent> PriceComponents, TariffRestrictions? Restrictions = null);

/// <summary>An OCPI Price: excluding VAT, and including it when known.</summary>
public sealed record TariffPrice(decimal ExclVat, decimal? InclVat);

/// <summary>
/// A charge point operator's tariff as OCPI 2.2.1 defines it, the pricing engine's input (<see cref="TariffPricing"/>).
/// <see cref="StartsAt"/>/<see cref="EndsAt"/> (UTC) bound when a session may start under it.
/// </summary>
public sealed record Tariff(
    string Id, Currency Currency, IReadOnlyList<TariffElement> Elements,
    TariffPrice? MinPrice = null, TariffPrice? MaxPrice = null, DateTimeOffset? StartsAt = null, DateTimeOffset? EndsAt = null);
