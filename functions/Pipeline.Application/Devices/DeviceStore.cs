using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Secrets;

namespace Pipeline.Application.Devices;

public enum DeviceKind
{
    Charger,
    Vehicle,
    TollGateway,
}

/// <summary>A registered device as the API shows it (never its secret).</summary>
public sealed record DeviceView(string Id, DeviceKind Kind, string ExternalId, DateTimeOffset CreatedAt);

/// <summary>
/// Devices (container "devices", partition = id) and their signing secrets (in the secret store, never in Cosmos
/// DB). A device's id is derived from its merchant and external id, so registering the same device twice is a
/// conflict instead of a second identity.
/// </summary>
public sealed class DeviceStore(Database database, ISecretStore secrets, TimeProvider time)
{
    public const string ContainerName = "devices";

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties() => new(ContainerName, "/id");

    public static string SecretName(string deviceId) => "device-" + deviceId.Replace('_', '-');

    /// <summary>Registers a device; returns it with its secret (shown this once), or null when it is already registered.</summary>
    public async Task<(DeviceView Device, string Secret)?> RegisterAsync(string merchantId, DeviceKind kind, string externalId, CancellationToken cancellationToken)
    {
        var id = "dev_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{merchantId}\n{externalId}")))[..24];
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

        // The secret is stored first: a device document without its secret would be a device that can never sign.
        await secrets.SetAsync(SecretName(id), secret, cancellationToken);
        var document = new DeviceDocument { Id = id, MerchantId = merchantId, Kind = kind, ExternalId = externalId, CreatedMicros = LedgerTime.ToMicros(time.GetUtcNow()) };
        try
        {
            await container.CreateItemAsync(document, new PartitionKey(id), cancellationToken: cancellationToken);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }

        return (document.ToView(), secret);
    }

    /// <summary>The device and its owner, or null.</summary>
    public async Task<(DeviceView Device, string MerchantId)?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var document = await container.ReadOrNullAsync<DeviceDocument>(id, id, cancellationToken);
        return document is null ? null : (document.ToView(), document.MerchantId);
    }

    private sealed record DeviceDocument
    {
        [JsonPropertyName("id")]
        public required string Id { get; init; }

        public required string MerchantId { get; init; }
        public DeviceKind Kind { get; init; }
        public required string ExternalId { get; init; }

        [JsonNumberHandling(JsonNumberHandling.Strict)]
        public long CreatedMicros { get; init; }

        public DeviceView ToView() => new(Id, Kind, ExternalId, new DateTimeOffset(LedgerTime.ToTicks(CreatedMicros), TimeSpan.Zero));
    }
}
