using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;

namespace Pipeline.Application.Charging;

/// <summary>A token's state: only an active one authorises a session.</summary>
public enum TokenStatus
{
    Active,
    Blocked,
}

/// <summary>
/// POST /charging/tokens: an identifier a driver presents at a station — an RFID card's UID, a contract id (eMAID) the
/// car sends, … as OCPP 2.0.1 IdTokenType names them — and the wallet its sessions are paid from.
/// </summary>
public sealed record CreateTokenRequest(string IdToken, string Type, string WalletId) : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!ChargingTokenRules.Types.Contains(Type, StringComparer.Ordinal))
        {
            errors["type"] = [$"An OCPP 2.0.1 IdTokenEnumType: {string.Join(", ", ChargingTokenRules.Types)}."];
        }
        else if (ChargingTokenRules.Refusal(Type, IdToken) is { } refusal)
        {
            errors["idToken"] = [refusal];
        }

        if (!ResourceIds.IsValid(WalletId ?? "", Wallets.WalletStore.IdPrefix))
        {
            errors["walletId"] = ["The id of one of your wallets."];
        }

        return errors;
    }
}

/// <summary>A token as stored and answered.</summary>
public sealed record ChargingToken
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    public required string MerchantId { get; init; }
    public required string IdToken { get; init; }
    public required string Type { get; init; }
    public required string WalletId { get; init; }
    public TokenStatus Status { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public ChargingTokenView ToView() => new(Id, IdToken, Type, WalletId, Status, CreatedAt, UpdatedAt);
}

public sealed record ChargingTokenView(string Id, string IdToken, string Type, string WalletId, TokenStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// A merchant's tokens. A token's id is derived from the merchant, its type and its value, so the same card cannot be
/// registered twice (the second is 409) and a station's event finds its token with one point read.
/// </summary>
public sealed class ChargingTokenStore(Database database, TimeProvider time)
{
    public const string ContainerName = "charging-tokens";
    public const string IdPrefix = "tok_";

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties() => new(ContainerName, "/merchantId");

    public static string IdOf(string merchantId, string type, string idToken) =>
        ResourceIds.Derived(IdPrefix, $"{merchantId}\n{type}\n{ChargingTokenRules.Normalized(type, idToken)}");

    /// <summary>Registers the token; null when it is registered already (its id is <see cref="IdOf"/>).</summary>
    public async Task<ChargingToken?> CreateAsync(string merchantId, CreateTokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var token = new ChargingToken
        {
            Id = IdOf(merchantId, request.Type, request.IdToken),
            MerchantId = merchantId,
            IdToken = ChargingTokenRules.Normalized(request.Type, request.IdToken),
            Type = request.Type,
            WalletId = request.WalletId,
            Status = TokenStatus.Active,
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await container.CreateItemAsync(token, new PartitionKey(merchantId), cancellationToken: cancellationToken);
            return token;
        }
        catch (CosmosException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            return null;
        }
    }

    public Task<ChargingToken?> GetAsync(string merchantId, string id, CancellationToken cancellationToken) =>
        container.ReadOrNullAsync<ChargingToken>(id, merchantId, cancellationToken);

    /// <summary>Sets the token's status (one patch: concurrent blocks and unblocks apply in some order, none is lost); null when there is no such token.</summary>
    public async Task<ChargingToken?> SetStatusAsync(string merchantId, string id, TokenStatus status, CancellationToken cancellationToken)
    {
        try
        {
            var patched = await container.PatchItemAsync<ChargingToken>(id, new PartitionKey(merchantId),
                [PatchOperation.Set("/status", System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString())), PatchOperation.Set("/updatedAt", time.GetUtcNow())], cancellationToken: cancellationToken);
            return patched.Resource;
        }
        catch (CosmosException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
