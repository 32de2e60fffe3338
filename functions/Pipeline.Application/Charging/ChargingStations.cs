using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;

namespace Pipeline.Application.Charging;

/// <summary>
/// PUT /charging/stations/{stationId}: the device that signs the station's requests (a charger registered with
/// POST /devices), the tariff its sessions are priced with, the location's IANA time zone, and optional caps on one
/// session's energy and duration (they size the hold).
/// </summary>
public sealed record PutStationRequest(string DeviceId, string TariffId, string TimeZone, long? MaxEnergyWh = null, int? MaxDurationSeconds = null) : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(DeviceId) || DeviceId.Length > ApiLimits.NameLengthMax)
        {
            errors["deviceId"] = ["The id of a charger registered with POST /api/v1/devices."];
        }

        if (!TariffRoutes.IsTariffId(TariffId))
        {
            errors["tariffId"] = ["The id of one of your tariffs (PUT /api/v1/tariffs/{id})."];
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? "", out _))
        {
            errors["timeZone"] = ["An IANA time zone of the station's location, e.g. Europe/Amsterdam."];
        }

        if (MaxEnergyWh is < 1 or > ChargingLimits.StationEnergyWhMax)
        {
            errors["maxEnergyWh"] = [$"From 1 to {ChargingLimits.StationEnergyWhMax} Wh."];
        }

        var durationMax = (int)ChargingLimits.SessionDurationMax.TotalSeconds;
        if (MaxDurationSeconds is { } seconds && (seconds < ChargingLimits.StationDurationSecondsMin || seconds > durationMax))
        {
            errors["maxDurationSeconds"] = [$"From {ChargingLimits.StationDurationSecondsMin} to {durationMax} seconds."];
        }

        return errors;
    }
}

/// <summary>A charging station as stored and answered.</summary>
public sealed record ChargingStation
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    public required string MerchantId { get; init; }
    public required string DeviceId { get; init; }
    public required string TariffId { get; init; }
    public required string TimeZone { get; init; }
    public long? MaxEnergyWh { get; init; }
    public int? MaxDurationSeconds { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public StationView ToView() => new(Id, DeviceId, TariffId, TimeZone, MaxEnergyWh, MaxDurationSeconds, UpdatedAt);
}

public sealed record StationView(string Id, string DeviceId, string TariffId, string TimeZone, long? MaxEnergyWh, int? MaxDurationSeconds, DateTimeOffset UpdatedAt);

/// <summary>A merchant's charging stations, one document per station id in the merchant's partition.</summary>
public sealed partial class ChargingStationStore(Database database, TimeProvider time)
{
    public const string ContainerName = "charging-stations";

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties() => new(ContainerName, "/merchantId");

    public static bool IsStationId(string? id) => id is not null && StationId().IsMatch(id);

    /// <summary>Stores the station (replacing it if it exists); true when it did not exist before.</summary>
    public async Task<(ChargingStation Station, bool Created)> PutAsync(string merchantId, string id, PutStationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var station = new ChargingStation
        {
            Id = id,
            MerchantId = merchantId,
            DeviceId = request.DeviceId,
            TariffId = request.TariffId,
            TimeZone = request.TimeZone,
            MaxEnergyWh = request.MaxEnergyWh,
            MaxDurationSeconds = request.MaxDurationSeconds,
            UpdatedAt = time.GetUtcNow(),
        };
        var response = await container.UpsertItemAsync(station, new PartitionKey(merchantId), cancellationToken: cancellationToken);
        return (station, response.StatusCode == System.Net.HttpStatusCode.Created);
    }

    public Task<ChargingStation?> GetAsync(string merchantId, string id, CancellationToken cancellationToken) =>
        container.ReadOrNullAsync<ChargingStation>(id, merchantId, cancellationToken);

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,48}\z", RegexOptions.CultureInvariant)]
    private static partial Regex StationId();
}
