using System.Globalization;
using Pipeline.Domain.Charging;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Charging;

/// <summary>
/// Checks an OCPI tariff field by field — every bad field named by its path (<c>elements[2].price_components[0].step_size</c>)
/// — and turns a valid one into the pricing engine's <see cref="Tariff"/>.
/// </summary>
public static class TariffValidation
{
    private static readonly Dictionary<string, TariffDimension> Dimensions = new(StringComparer.Ordinal)
    {
        ["ENERGY"] = TariffDimension.Energy,
        ["FLAT"] = TariffDimension.Flat,
        ["PARKING_TIME"] = TariffDimension.ParkingTime,
        ["TIME"] = TariffDimension.Time,
    };

    private static readonly string[] TariffTypes = ["AD_HOC_PAYMENT", "PROFILE_CHEAP", "PROFILE_FAST", "PROFILE_GREEN", "REGULAR"];

    /// <summary>What a null in a list is told.</summary>
    internal const string NotNull = "An object, not null.";

    public static Dictionary<string, string[]> Errors(OcpiTariff tariff)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Currency.TryParse(tariff.Currency, out _))
        {
            errors["currency"] = ["Use an active ISO 4217 code in upper case, e.g. EUR."];
        }

        if (tariff.Type is { } type && !TariffTypes.Contains(type, StringComparer.Ordinal))
        {
            errors["type"] = [$"Use one of {string.Join(", ", TariffTypes)}."];
        }

        if (tariff.Id is { Length: > ChargingLimits.TariffIdLengthMax })
        {
            errors["id"] = [$"At most {ChargingLimits.TariffIdLengthMax} characters."];
        }

        if (tariff.TariffAltUrl is { Length: > ChargingLimits.UrlLengthMax })
        {
            errors["tariff_alt_url"] = [$"At most {ChargingLimits.UrlLengthMax} characters."];
        }

        Identity(tariff, errors);
        AltTexts(tariff.TariffAltText, errors);
        if (tariff.EnergyMix is { } mix)
        {
            EnergyMixValidation.Check(mix, errors);
        }

        Limits(tariff, errors);
        if (tariff.StartDateTime is { } from && tariff.EndDateTime is { } until && until <= from)
        {
            errors["end_date_time"] = ["After start_date_time."];
        }

        if (tariff.Elements is not { Count: > 0 and <= ChargingLimits.ElementsMax })
        {
            errors["elements"] = [$"Give 1 to {ChargingLimits.ElementsMax} elements."];
            return errors;
        }

        for (var i = 0; i < tariff.Elements.Count; i++)
        {
            if (tariff.Elements[i] is null)
            {
                errors[$"elements[{i}]"] = [NotNull];
                continue;
            }

            Element(tariff.Elements[i], $"elements[{i}]", errors);
        }

        return errors;
    }

    /// <summary>The engine's tariff of a valid OCPI tariff stored under <paramref name="id"/>.</summary>
    public static Tariff ToDomain(string id, OcpiTariff tariff)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        return new Tariff(id, Currency.Parse(tariff.Currency),
            [.. tariff.Elements.Select(e => new TariffElement(
                [.. e.PriceComponents.Select(c => new PriceComponent(Dimensions[c.Type], c.Price, c.Vat, c.StepSize))], Restrictions(e.Restrictions)))],
            tariff.MinPrice is { } min ? new TariffPrice(min.ExclVat, min.InclVat) : null,
            tariff.MaxPrice is { } max ? new TariffPrice(max.ExclVat, max.InclVat) : null,
            tariff.StartDateTime, tariff.EndDateTime);
    }

    private static TariffRestrictions? Restrictions(OcpiTariffRestrictions? r) => r is null ? null : new TariffRestrictions
    {
        StartTime = r.StartTime is null ? null : TimeOnly.ParseExact(r.StartTime, "HH:mm", CultureInfo.InvariantCulture),
        EndTime = r.EndTime is null ? null : TimeOnly.ParseExact(r.EndTime, "HH:mm", CultureInfo.InvariantCulture),
        StartDate = r.StartDate is null ? null : DateOnly.ParseExact(r.StartDate, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        EndDate = r.EndDate is null ? null : DateOnly.ParseExact(r.EndDate, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        MinKwh = r.MinKwh,
        MaxKwh = r.MaxKwh,
        MinCurrent = r.MinCurrent,
        MaxCurrent = r.MaxCurrent,
        MinPower = r.MinPower,
        MaxPower = r.MaxPower,
        MinDurationSeconds = r.MinDuration,
        MaxDurationSeconds = r.MaxDuration,
        DaysOfWeek = [.. (r.DayOfWeek ?? []).Select(d => Enum.Parse<DayOfWeek>(d, ignoreCase: true))],
        Reservation = r.Reservation,
    };

    /// <summary>Who publishes the tariff (OCPI's country and party), checked though pricing does not read them.</summary>
    private static void Identity(OcpiTariff tariff, Dictionary<string, string[]> errors)
    {
        if (tariff.CountryCode is { } country && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
        {
            errors["country_code"] = ["An ISO 3166-1 alpha-2 code, two upper-case letters."];
        }

        if (tariff.PartyId is { } party && (party.Length != 3 || !party.All(char.IsAsciiLetterOrDigit)))
        {
            errors["party_id"] = ["Three letters or digits (ISO 15118)."];
        }
    }

    /// <summary>min_price and max_price, each and against each other.</summary>
    private static void Limits(OcpiTariff tariff, Dictionary<string, string[]> errors)
    {
        Price(tariff.MinPrice, "min_price", errors);
        Price(tariff.MaxPrice, "max_price", errors);
        if (tariff.MinPrice is not { } min || tariff.MaxPrice is not { } max)
        {
            return;
        }

        if (min.ExclVat > max.ExclVat)
        {
            errors["max_price.excl_vat"] = ["Not below min_price.excl_vat."];
        }

        if (min.InclVat is { } minIncl && max.InclVat is { } maxIncl && minIncl > maxIncl)
        {
            errors["max_price.incl_vat"] = ["Not below min_price.incl_vat."];
        }
    }

    private static void Element(OcpiTariffElement element, string path, Dictionary<string, string[]> errors)
    {
        if (element.PriceComponents is not { Count: > 0 and <= ChargingLimits.PriceComponentsMax })
        {
            errors[$"{path}.price_components"] = [$"Give 1 to {ChargingLimits.PriceComponentsMax} price components."];
            return;
        }

        for (var i = 0; i < element.PriceComponents.Count; i++)
        {
            if (element.PriceComponents[i] is null)
            {
                errors[$"{path}.price_components[{i}]"] = [NotNull];
                continue;
            }

            Component(element.PriceComponents[i], $"{path}.price_components[{i}]", errors);
        }

        // OCPI does not say which of two components of one type in an element applies (ocpi/ocpi#402): refused, not guessed.
        if (element.PriceComponents.Where(c => c is not null).GroupBy(c => c.Type, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            errors[$"{path}.price_components"] = [$"At most one {twice.Key} component per element."];
        }

        if (element.Restrictions is { } restrictions)
        {
            TariffRestrictionValidation.Check(restrictions, $"{path}.restrictions", errors);
        }
    }

    private static void Component(OcpiPriceComponent component, string path, Dictionary<string, string[]> errors)
    {
        if (!Dimensions.TryGetValue(component.Type ?? "", out var dimension))
        {
            errors[$"{path}.type"] = ["Use ENERGY, FLAT, PARKING_TIME or TIME."];
        }

        Amount(component.Price, $"{path}.price", errors);
        if (component.Vat is { } vat && (vat is < 0 or > 100 || decimal.Round(vat, ChargingLimits.DecimalsMax) != vat))
        {
            errors[$"{path}.vat"] = ["A percentage from 0 to 100, at most 4 decimals (leave it out when no VAT applies)."];
        }

        var stepMax = dimension == TariffDimension.Energy ? ChargingLimits.EnergyStepMax : ChargingLimits.TimeStepMax;
        if (component.StepSize < 0 || component.StepSize > stepMax)
        {
            errors[$"{path}.step_size"] = [$"From 0 to {stepMax} ({(dimension == TariffDimension.Energy ? "Wh" : "seconds")})."];
        }
    }

    private static void Price(OcpiPrice? price, string path, Dictionary<string, string[]> errors)
    {
        if (price is null)
        {
            return;
        }

        Amount(price.ExclVat, $"{path}.excl_vat", errors);
        if (price.InclVat is { } inclVat)
        {
            Amount(inclVat, $"{path}.incl_vat", errors);
            if (inclVat < price.ExclVat)
            {
                errors[$"{path}.incl_vat"] = ["Not below excl_vat: VAT only adds."];
            }
        }
    }

    private static void Amount(decimal amount, string path, Dictionary<string, string[]> errors)
    {
        if (amount is < 0 or > ChargingLimits.PriceMax || decimal.Round(amount, ChargingLimits.DecimalsMax) != amount)
        {
            errors[path] = [$"From 0 to {ChargingLimits.PriceMax}, at most {ChargingLimits.DecimalsMax} decimals."];
        }
    }

    private static void AltTexts(IReadOnlyList<OcpiDisplayText>? texts, Dictionary<string, string[]> errors)
    {
        if (texts is { Count: > ChargingLimits.AltTextsMax })
        {
            errors["tariff_alt_text"] = [$"At most {ChargingLimits.AltTextsMax} texts."];
            return;
        }

        for (var i = 0; texts is not null && i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                errors[$"tariff_alt_text[{i}]"] = [NotNull];
                continue;
            }

            if (texts[i].Language is not { Length: 2 } language || !language.All(char.IsAsciiLetterLower))
            {
                errors[$"tariff_alt_text[{i}].language"] = ["An ISO 639-1 code, two lower-case letters."];
            }

            if (string.IsNullOrEmpty(texts[i].Text) || texts[i].Text.Length > ChargingLimits.AltTextLengthMax)
            {
                errors[$"tariff_alt_text[{i}].text"] = [$"1 to {ChargingLimits.AltTextLengthMax} characters."];
            }
        }
    }
}
