using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
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

/// <summary>A device's merchant and kind.</summary>
public sealed record DeviceOwner(string MerchantId, DeviceKind Kind);

/// <summary>
/// Who a device belongs to and the secrets that may sign for it right now: its current one (null if it was never
/// stored) and, during a rotation's overlap, its previous one. <paramref name="CurrentUnconfirmed"/>: an overlap runs
/// and the device has not signed with the current secret yet.
/// </summary>
public sealed record DeviceSigner(string MerchantId, string? Current, string? Previous, bool CurrentUnconfirmed);

/// <summary>A new secret of a device (shown this once) and until when its previous one still signs (null: none does).</summary>
public sealed record SecretRotation(DeviceView Device, string Secret, DateTimeOffset? PreviousSecretValidUntil);

/// <summary>
/// Devices (container "devices", partition = id) and their signing secrets (in the secret store, never in Cosmos
/// DB; the device document names the secrets that are valid). A device's id is derived from its merchant and
/// external id, so registering the same device twice is a conflict instead of a second identity.
/// </summary>
public sealed class DeviceStore(Database database, ISecretStore secrets, TimeProvider time)
{
    public const string ContainerName = "devices";

    private const string IdPrefix = "dev_";

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties() => new(ContainerName, "/id");

    /// <summary>The name in the secret store of the secret a device gets at registration; rotated secrets add a version to it.</summary>
    public static string SecretName(string deviceId) => "device-" + deviceId.Replace('_', '-');

    /// <summary>Registers a device; returns it with its secret (shown this once), or null when it is already registered.</summary>
    public async Task<(DeviceView Device, string Secret)?> RegisterAsync(string merchantId, DeviceKind kind, string externalId, CancellationToken cancellationToken)
    {
        var id = IdPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{merchantId}\n{externalId}")))[..24];
        var document = new DeviceDocument { Id = id, MerchantId = merchantId, Kind = kind, ExternalId = externalId, CreatedMicros = CosmosTime.ToMicros(time.GetUtcNow()) };

        // The device document is the commit point, so it goes first: a registration that conflicts with an existing
        // device stops here and never touches that device's secret (a retry after a lost answer would otherwise lock
        // the real device out). A crash before the secret is stored leaves a device that cannot sign until its
        // merchant rotates its secret, which the 409 of registering it again points to.
        try
        {
            await container.CreateItemAsync(document, new PartitionKey(id), cancellationToken: cancellationToken);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }

        var secret = NewSecret();
        await secrets.SetAsync(SecretName(id), secret, cancellationToken);
        return (document.ToView(), secret);
    }

    /// <summary>The device's owner and the secrets that sign for it now; null when there is no such device.</summary>
    /// <summary>Whose device this is and its kind (no secret is read); null when there is none.</summary>
    public async Task<DeviceOwner?> FindAsync(string id, CancellationToken cancellationToken) =>
        await ReadAsync(id, cancellationToken) is { } document ? new DeviceOwner(document.MerchantId, document.Kind) : null;

    public async Task<DeviceSigner?> FindSignerAsync(string id, CancellationToken cancellationToken)
    {
        var document = await ReadAsync(id, cancellationToken);
        if (document is null)
        {
            return null;
        }

        var overlap = document.InOverlap(NowMicros);
        var current = secrets.GetAsync(document.CurrentSecretName, cancellationToken);
        var previous = overlap ? await secrets.GetAsync(document.PreviousSecretName!, cancellationToken) : null;
        return new DeviceSigner(document.MerchantId, await current, previous, overlap && !document.CurrentSecretConfirmed);
    }

    /// <summary>
    /// Records that the device signed with its current secret during an overlap: it has switched, so the next rotation
    /// may end the previous secret. One attempt: if the document changed meanwhile, a later request records it.
    /// </summary>
    public async Task ConfirmCurrentSecretAsync(string id, CancellationToken cancellationToken)
    {
        var document = await ReadAsync(id, cancellationToken);
        if (document is null || document.CurrentSecretConfirmed || !document.InOverlap(NowMicros))
        {
            return;
        }

        try
        {
            await container.ReplaceItemAsync(document with { CurrentSecretConfirmed = true, ETag = null }, id, new PartitionKey(id),
                new ItemRequestOptions { IfMatchEtag = document.ETag, EnableContentResponseOnWrite = false }, cancellationToken);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            // A rotation (or another confirmation) came first; the next signed request looks again.
        }
    }

    /// <summary>
    /// Gives the merchant's device a new secret (the rule: <see cref="DeviceDocument.Rotated"/>). Null when the
    /// merchant has no device with this id (another merchant's device included). This also repairs a device whose
    /// registration died before its secret was stored.
    /// </summary>
    public async Task<SecretRotation?> RotateSecretAsync(string merchantId, string id, bool revokePrevious, CancellationToken cancellationToken)
    {
        var device = await ReadAsync(id, cancellationToken);
        if (device is null || device.MerchantId != merchantId)
        {
            return null;
        }

        // The new secret is stored under a name nothing refers to yet; the device document then switches to it
        // (compare-and-swap), so a crash in between leaves an unused secret and the device as it was. Two concurrent
        // rotations both succeed, one after the other.
        var secret = NewSecret();
        var name = SecretName(id) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(DeviceLimits.SecretVersionBytes));
        await secrets.SetAsync(name, secret, cancellationToken);
        var now = NowMicros;
        var before = await container.UpdateAsync<DeviceDocument>(id, id, d => d.Rotated(name, now, revokePrevious), d => d.ETag, cancellationToken)
            ?? throw new InvalidOperationException($"Device {id} disappeared during its secret rotation.");
        var after = before.Rotated(name, now, revokePrevious);
        var previousUntil = after.PreviousSecretName is null ? (DateTimeOffset?)null : new DateTimeOffset(CosmosTime.ToTicks(after.PreviousSecretValidUntilMicros), TimeSpan.Zero);
        return new SecretRotation(after.ToView(), secret, previousUntil);
    }

    private long NowMicros => CosmosTime.ToMicros(time.GetUtcNow());

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(DeviceLimits.SecretBytes));

    /// <summary>The device, or null; an id that does not have a device id's shape is never looked up.</summary>
    private Task<DeviceDocument?> ReadAsync(string id, CancellationToken cancellationToken) =>
        ResourceIds.IsValid(id, IdPrefix) ? container.ReadOrNullAsync<DeviceDocument>(id, id, cancellationToken) : Task.FromResult<DeviceDocument?>(null);
}
