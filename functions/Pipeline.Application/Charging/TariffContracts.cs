using System.Text.Json.Serialization;

namespace Pipeline.Application.Charging;

/// <summary>
/// An OCPI 2.2.1 Tariff object as OCPI writes it (snake_case, upper-case enumerations), taken by PUT /tariffs/{id} and
/// answered as it was stored (with its <c>id</c> and <c>last_updated</c> — the time Pipeline stored it). Validated by
/// <see cref="TariffValidation"/>; <c>energy_mix</c> is kept as given (checked, not used in pricing).
/// </summary>
public sealed record OcpiTariff : Http.IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate() => TariffValidation.Errors(this);

    [JsonPropertyName("country_code")] public string? CountryCode { get; init; }
    [JsonPropertyName("party_id")] public string? PartyId { get; init; }
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("currency")] public required string Currency { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("tariff_alt_text")] public IReadOnlyList<OcpiDisplayText>? TariffAltText { get; init; }
    [JsonPropertyName("tariff_alt_url")] public string? TariffAltUrl { get; init; }
    [JsonPropertyName("min_price")] public OcpiPrice? MinPrice { get; init; }
    [JsonPropertyName("max_price")] public OcpiPrice? MaxPrice { get; init; }
    [JsonPropertyName("elements")] public required IReadOnlyList<OcpiTariffElement> Elements { get; init; }
    [JsonPropertyName("start_date_time")] public DateTimeOffset? StartDateTime { get; init; }
    [JsonPropertyName("end_date_time")] public DateTimeOffset? EndDateTime { get; init; }
    [JsonPropertyName("energy_mix")] public OcpiEnergyMix? EnergyMix { get; init; }
    [JsonPropertyName("last_updated")] public DateTimeOffset? LastUpdated { get; init; }
}

/// <summary>OCPI EnergyMix: where the energy of this tariff comes from.</summary>
public sealed record OcpiEnergyMix(
    [property: JsonPropertyName("is_green_energy")] bool IsGreenEnergy,
    [property: JsonPropertyName("energy_sources")] IReadOnlyList<OcpiEnergySource>? EnergySources = null,
    [property: JsonPropertyName("environ_impact")] IReadOnlyList<OcpiEnvironmentalImpact>? EnvironImpact = null,
    [property: JsonPropertyName("supplier_name")] string? SupplierName = null,
    [property: JsonPropertyName("energy_product_name")] string? EnergyProductName = null);

/// <summary>OCPI EnergySource: a source (NUCLEAR, GENERAL_FOSSIL, COAL, GAS, GENERAL_GREEN, SOLAR, WIND, WATER) and its share in percent.</summary>
public sealed record OcpiEnergySource([property: JsonPropertyName("source")] string Source, [property: JsonPropertyName("percentage")] decimal Percentage);

/// <summary>OCPI EnvironmentalImpact: NUCLEAR_WASTE (g/kWh) or CARBON_DIOXIDE (g/kWh).</summary>
public sealed record OcpiEnvironmentalImpact([property: JsonPropertyName("category")] string Category, [property: JsonPropertyName("amount")] decimal Amount);

public sealed record OcpiDisplayText([property: JsonPropertyName("language")] string Language, [property: JsonPropertyName("text")] string Text);

public sealed record OcpiPrice([property: JsonPropertyName("excl_vat")] decimal ExclVat, [property: JsonPropertyName("incl_vat")] decimal? InclVat = null);

public sealed record OcpiTariffElement(
    [property: JsonPropertyName("price_components")] IReadOnlyList<OcpiPriceComponent> PriceComponents,
    [property: JsonPropertyName("restrictions")] OcpiTariffRestrictions? Restrictions = null);

public sealed record OcpiPriceComponent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("price")] decimal Price,
    [property: JsonPropertyName("step_size")] int StepSize,
    [property: JsonPropertyName("vat")] decimal? Vat = null);

public sealed record OcpiTariffRestrictions
{
    [JsonPropertyName("start_time")] public string? StartTime { get; init; }
    [JsonPropertyName("end_time")] public string? EndTime { get; init; }
    [JsonPropertyName("start_date")] public string? StartDate { get; init; }
    [JsonPropertyName("end_date")] public string? EndDate { get; init; }
    [JsonPropertyName("min_kwh")] public decimal? MinKwh { get; init; }
    [JsonPropertyName("max_kwh")] public decimal? MaxKwh { get; init; }
    [JsonPropertyName("min_current")] public decimal? MinCurrent { get; init; }
    [JsonPropertyName("max_current")] public decimal? MaxCurrent { get; init; }
    [JsonPropertyName("min_power")] public decimal? MinPower { get; init; }
    [JsonPropertyName("max_power")] public decimal? MaxPower { get; init; }
    [JsonPropertyName("min_duration")] public int? MinDuration { get; init; }
    [JsonPropertyName("max_duration")] public int? MaxDuration { get; init; }
    [JsonPropertyName("day_of_week")] public IReadOnlyList<string>? DayOfWeek { get; init; }
    [JsonPropertyName("reservation")] public string? Reservation { get; init; }
}

/// <summary>A page of the merchant's tariffs, by id; <see cref="NextCursor"/> is the <c>after</c> of the next page.</summary>
public sealed record TariffsPage(IReadOnlyList<OcpiTariff> Tariffs, string? NextCursor);
