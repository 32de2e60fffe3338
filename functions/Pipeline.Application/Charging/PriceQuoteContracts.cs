using System.Text.Json.Serialization;
using Pipeline.Application.Http;

namespace Pipeline.Application.Charging;

/// <summary>
/// POST /tariffs/{id}/price: a session as an OCPI CDR describes it — its start and end, its charging periods, the
/// location's IANA time zone — to price with the tariff (<see cref="PriceQuoteValidation"/>).
/// </summary>
public sealed record PriceQuoteRequest(
    [property: JsonPropertyName("start_date_time")] DateTimeOffset StartDateTime,
    [property: JsonPropertyName("end_date_time")] DateTimeOffset EndDateTime,
    [property: JsonPropertyName("charging_periods")] IReadOnlyList<OcpiChargingPeriod> ChargingPeriods,
    [property: JsonPropertyName("time_zone")] string TimeZone) : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate() => PriceQuoteValidation.Errors(this);
}

public sealed record OcpiChargingPeriod(
    [property: JsonPropertyName("start_date_time")] DateTimeOffset StartDateTime,
    [property: JsonPropertyName("dimensions")] IReadOnlyList<OcpiCdrDimension> Dimensions,
    [property: JsonPropertyName("tariff_id")] string? TariffId = null);

public sealed record OcpiCdrDimension([property: JsonPropertyName("type")] string Type, [property: JsonPropertyName("volume")] decimal Volume);

/// <summary>An OCPI Price as a quote answers it, in major units.</summary>
public sealed record OcpiCost([property: JsonPropertyName("excl_vat")] decimal ExclVat, [property: JsonPropertyName("incl_vat")] decimal InclVat);

/// <summary>
/// What a session costs, as an OCPI CDR's totals (amounts in minor-unit precision; the lines add up to
/// <see cref="TotalCost"/>, <see cref="PriceLimitAdjustment"/> being what min_price or max_price changed), and each
/// period's volumes and exact costs (4 decimals).
/// </summary>
public sealed record PriceQuote(
    [property: JsonPropertyName("tariff_id")] string TariffId,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("total_cost")] OcpiCost TotalCost,
    [property: JsonPropertyName("total_fixed_cost")] OcpiCost TotalFixedCost,
    [property: JsonPropertyName("total_energy")] decimal TotalEnergy,
    [property: JsonPropertyName("total_energy_cost")] OcpiCost TotalEnergyCost,
    [property: JsonPropertyName("total_time")] decimal TotalTime,
    [property: JsonPropertyName("total_time_cost")] OcpiCost TotalTimeCost,
    [property: JsonPropertyName("total_parking_time")] decimal TotalParkingTime,
    [property: JsonPropertyName("total_parking_cost")] OcpiCost TotalParkingCost,
    [property: JsonPropertyName("price_limit_adjustment")] OcpiCost PriceLimitAdjustment,
    [property: JsonPropertyName("charging_periods")] IReadOnlyList<PricedPeriodView> ChargingPeriods);

public sealed record PricedPeriodView(
    [property: JsonPropertyName("start_date_time")] DateTimeOffset StartDateTime,
    [property: JsonPropertyName("energy")] decimal Energy,
    [property: JsonPropertyName("time")] decimal Time,
    [property: JsonPropertyName("parking_time")] decimal ParkingTime,
    [property: JsonPropertyName("energy_cost")] OcpiCost EnergyCost,
    [property: JsonPropertyName("time_cost")] OcpiCost TimeCost,
    [property: JsonPropertyName("parking_cost")] OcpiCost ParkingCost);
