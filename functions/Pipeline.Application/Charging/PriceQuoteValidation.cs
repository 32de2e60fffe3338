using Pipeline.Domain.Charging;

namespace Pipeline.Application.Charging;

/// <summary>Checks a price quote's session field by field, and turns a valid one into the engine's usage and its answer.</summary>
public static class PriceQuoteValidation
{
    /// <summary>OCPI's CdrDimensionType values the engine reads; the others (ENERGY_EXPORT, STATE_OF_CHARGE, …) are accepted and not priced.</summary>
    private static readonly Dictionary<string, PeriodDimension> Priced = new(StringComparer.Ordinal)
    {
        ["ENERGY"] = PeriodDimension.Energy,
        ["TIME"] = PeriodDimension.Time,
        ["PARKING_TIME"] = PeriodDimension.ParkingTime,
        ["CURRENT"] = PeriodDimension.Current,
        ["MIN_CURRENT"] = PeriodDimension.MinCurrent,
        ["MAX_CURRENT"] = PeriodDimension.MaxCurrent,
        ["POWER"] = PeriodDimension.Power,
        ["MIN_POWER"] = PeriodDimension.MinPower,
        ["MAX_POWER"] = PeriodDimension.MaxPower,
    };

    private static readonly string[] NotPriced = ["ENERGY_EXPORT", "ENERGY_IMPORT", "RESERVATION_TIME", "STATE_OF_CHARGE"];

    /// <summary>A period's charging and parking time may exceed its length by OCPI's rounding of hours to 4 decimals.</summary>
    private const decimal HoursTolerance = 0.0001m;

    public static Dictionary<string, string[]> Errors(PriceQuoteRequest quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(quote.TimeZone ?? "", out _))
        {
            errors["time_zone"] = ["An IANA time zone of the location, e.g. Europe/Amsterdam."];
        }

        if (quote.EndDateTime < quote.StartDateTime || quote.EndDateTime - quote.StartDateTime > ChargingLimits.SessionDurationMax)
        {
            errors["end_date_time"] = [$"Not before start_date_time, and at most {ChargingLimits.SessionDurationMax.TotalDays} days after it."];
        }

        if (quote.ChargingPeriods is not { Count: > 0 and <= ChargingLimits.PeriodsMax })
        {
            errors["charging_periods"] = [$"Give 1 to {ChargingLimits.PeriodsMax} periods."];
            return errors;
        }

        for (var i = 0; i < quote.ChargingPeriods.Count; i++)
        {
            if (quote.ChargingPeriods[i] is null)
            {
                errors[$"charging_periods[{i}]"] = [TariffValidation.NotNull];
                return errors;
            }
        }

        for (var i = 0; i < quote.ChargingPeriods.Count; i++)
        {
            var next = i + 1 < quote.ChargingPeriods.Count ? quote.ChargingPeriods[i + 1].StartDateTime : quote.EndDateTime;
            Period(quote.ChargingPeriods[i], i == 0 ? quote.StartDateTime : quote.ChargingPeriods[i - 1].StartDateTime, next, $"charging_periods[{i}]", errors);
        }

        return errors;
    }

    /// <summary>
    /// What makes a valid quote wrong for this tariff: a session that starts outside the tariff's validity, or a period
    /// that names another tariff (a quote prices with one). Empty when none.
    /// </summary>
    public static Dictionary<string, string[]> Mismatches(string tariffId, OcpiTariff tariff, PriceQuoteRequest quote)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        ArgumentNullException.ThrowIfNull(quote);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if ((tariff.StartDateTime is { } from && quote.StartDateTime < from) || (tariff.EndDateTime is { } until && quote.StartDateTime >= until))
        {
            errors["start_date_time"] = [$"The tariff applies to sessions that start from {tariff.StartDateTime?.ToString("O") ?? "any time"} until {tariff.EndDateTime?.ToString("O") ?? "any time"}."];
        }

        for (var i = 0; i < quote.ChargingPeriods.Count; i++)
        {
            if (quote.ChargingPeriods[i].TariffId is { } named && !string.Equals(named, tariffId, StringComparison.Ordinal))
            {
                errors[$"charging_periods[{i}].tariff_id"] = [$"Leave it out or give {tariffId}: a quote prices with one tariff."];
            }
        }

        return errors;
    }

    public static ChargingSessionUsage ToUsage(PriceQuoteRequest quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        return new ChargingSessionUsage(quote.StartDateTime, quote.EndDateTime,
            [.. quote.ChargingPeriods.Select(p => new ChargingPeriod(p.StartDateTime,
                p.Dimensions.Where(d => Priced.ContainsKey(d.Type)).ToDictionary(d => Priced[d.Type], d => d.Volume)))],
            TimeZoneInfo.FindSystemTimeZoneById(quote.TimeZone));
    }

    public static PriceQuote ToQuote(string tariffId, SessionPrice price)
    {
        ArgumentNullException.ThrowIfNull(price);
        return new PriceQuote(tariffId, price.Currency.Code, Cost(price.TotalCost), Cost(price.FixedCost),
            Round(price.TotalEnergyKwh), Cost(price.EnergyCost), Round(price.TotalTimeHours), Cost(price.TimeCost),
            Round(price.TotalParkingHours), Cost(price.ParkingCost), Cost(price.PriceLimitAdjustment),
            [.. price.Periods.Select(p => new PricedPeriodView(p.Start, Round(p.EnergyKwh), Round(p.TimeHours), Round(p.ParkingHours),
                Cost(p.EnergyCost), Cost(p.TimeCost), Cost(p.ParkingCost)))]);
    }

    private static void Period(OcpiChargingPeriod period, DateTimeOffset notBefore, DateTimeOffset next, string path, Dictionary<string, string[]> errors)
    {
        if (period.StartDateTime < notBefore || period.StartDateTime > next)
        {
            errors[$"{path}.start_date_time"] = ["Periods start in order, within the session."];
        }

        if (period.Dimensions is not { Count: > 0 })
        {
            errors[$"{path}.dimensions"] = ["Give at least one dimension."];
            return;
        }

        if (period.Dimensions.Contains(null!))
        {
            errors[$"{path}.dimensions"] = ["Dimensions are objects, none null."];
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < period.Dimensions.Count; i++)
        {
            var dimension = period.Dimensions[i];
            if (!Priced.ContainsKey(dimension.Type ?? "") && !NotPriced.Contains(dimension.Type, StringComparer.Ordinal))
            {
                errors[$"{path}.dimensions[{i}].type"] = ["An OCPI CdrDimensionType, e.g. ENERGY, TIME, PARKING_TIME, MAX_CURRENT."];
            }
            else if (!seen.Add(dimension.Type!))
            {
                errors[$"{path}.dimensions[{i}].type"] = ["Each dimension once per period."];
            }

            if ((dimension.Volume < 0 && Priced.ContainsKey(dimension.Type ?? "")) || Math.Abs(dimension.Volume) > ChargingLimits.MeasureMax)
            {
                errors[$"{path}.dimensions[{i}].volume"] = [$"From 0 to {ChargingLimits.MeasureMax} (kWh, hours, A or kW)."];
            }
        }

        var hours = period.Dimensions.Where(d => d.Type is "TIME" or "PARKING_TIME").Sum(d => d.Volume);
        if (hours > (decimal)(next - period.StartDateTime).TotalHours + HoursTolerance)
        {
            errors[$"{path}.dimensions"] = ["TIME and PARKING_TIME add up to more than the period lasts."];
        }
    }

    private static OcpiCost Cost(Cost cost) => new(Round(cost.ExclVat), Round(cost.InclVat));

    private static decimal Round(decimal value) => Math.Round(value, ChargingLimits.DecimalsMax, MidpointRounding.AwayFromZero);
}
