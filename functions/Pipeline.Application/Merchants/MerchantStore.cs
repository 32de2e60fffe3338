using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Merchants;

/// <summary>Merchants and the index of their API keys, in Cosmos DB.</summary>
/// <param name="options">Null: the defaults (tests).</param>
public sealed class MerchantStore(Database database, TimeProvider time, IOptions<MerchantOptions>? options = null) : IApiKeys
{
    public const string MerchantsContainer = "merchants";
    public const string ApiKeysContainer = "api-keys";

    /// <summary>How many keys a merchant may hold at once: the current one and the one being rotated out.</summary>
    public const int ActiveKeysMax = 2;

    /// <summary>
    /// How long an instance trusts a key it has checked. Every request would otherwise cost two reads before
    /// any work; the price is that a key revoked by another instance keeps working here for up to this long
    /// (the instance that rotates forgets the revoked key at once). docs/OPERATIONS.md says so.
    /// </summary>
    public static readonly TimeSpan KeyCacheTtl = TimeSpan.FromSeconds(15);

    private const int CachedKeysMax = 100_000;

    private const string IdPrefix = "mer_";

    private readonly Container merchants = database.GetContainer(MerchantsContainer);
    private readonly Container apiKeys = database.GetContainer(ApiKeysContainer);
    private readonly MemoryCache keys = new(new MemoryCacheOptions { SizeLimit = CachedKeysMax });

    public static IEnumerable<ContainerProperties> ContainerProperties() =>
        [new(MerchantsContainer, "/id"), new(ApiKeysContainer, "/id")];

    /// <summary>
    /// Creates a merchant and its first key; the key is returned here and never again. Under an Idempotency-Key the
    /// merchant's id is derived from the key, so a retry whose first attempt's answer was lost finds that merchant
    /// (returned without a key: only the lost answer had it) instead of making a second one. Null when the key made a
    /// merchant of another name.
    /// </summary>
    public async Task<MerchantCreation?> CreateAsync(string name, string? idempotencyKey, CancellationToken cancellationToken)
    {
        // Only the admin creates merchants, so the key is one of the admin's scope.
        var id = ResourceIds.NewOrDerived(IdPrefix, Caller.Admin.IdempotencyScope, idempotencyKey);
        if (idempotencyKey is not null && await ReadAsync(id, cancellationToken) is { } earlier)
        {
            return Earlier(earlier, name);
        }

        var key = ApiKeys.Create();
        var hash = ApiKeys.Hash(key);
        var document = new MerchantDocument { Id = id, Name = name, ApiKeyHashes = [hash], CreatedMicros = CosmosTime.ToMicros(time.GetUtcNow()) };

        // The key index is written before the merchant: a crash in between leaves an index entry pointing at no
        // merchant, which authenticates nobody, rather than a merchant with a key that cannot be found.
        await apiKeys.CreateItemAsync(new ApiKeyDocument { Id = hash, MerchantId = id }, new PartitionKey(hash), cancellationToken: cancellationToken);
        try
        {
            await merchants.CreateItemAsync(document, new PartitionKey(id), cancellationToken: cancellationToken);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict && idempotencyKey is not null)
        {
            // An earlier attempt under the same key made the merchant meanwhile; this attempt's key belongs to nobody.
            await apiKeys.DeleteIfExistsAsync<ApiKeyDocument>(hash, hash, cancellationToken);
            return Earlier(await ReadAsync(id, cancellationToken) ?? throw new InvalidOperationException($"Merchant {id} conflicted on create but cannot be read."), name);
        }

        return new MerchantCreation(MerchantView.From(document), key);
    }

    private static MerchantCreation? Earlier(MerchantDocument earlier, string name) =>
        earlier.Name == name ? new MerchantCreation(MerchantView.From(earlier), null) : null;

    public async Task<MerchantView?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var document = await ReadAsync(id, cancellationToken);
        return document is null ? null : MerchantView.From(document);
    }

    /// <summary>The merchant a key belongs to, or null. A key whose merchant dropped it no longer authenticates.</summary>
    public async Task<string?> FindMerchantAsync(string key, CancellationToken cancellationToken)
    {
        var hash = ApiKeys.Hash(key);
        if (keys.TryGetValue(hash, out string? cached))
        {
            return cached;
        }

        var index = await apiKeys.ReadOrNullAsync<ApiKeyDocument>(hash, hash, cancellationToken);
        var merchant = index is null ? null : await ReadAsync(index.MerchantId, cancellationToken);
        var merchantId = merchant is not null && merchant.ApiKeyHashes.Contains(hash) ? merchant.Id : null;

        // Only keys that authenticate are remembered: unknown keys must not fill the cache.
        if (merchantId is not null)
        {
            keys.Set(hash, merchantId, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = KeyCacheTtl });
        }

        return merchantId;
    }

    /// <summary>Adds a new key; the previous newest stays valid, anything older is revoked. Null when the merchant does not exist.</summary>
    public async Task<string?> RotateApiKeyAsync(string id, CancellationToken cancellationToken)
    {
        if (await ReadAsync(id, cancellationToken) is null)
        {
            return null; // Nothing written for a merchant that does not exist.
        }

        var key = ApiKeys.Create();
        var hash = ApiKeys.Hash(key);
        // The index entry first, as at creation: one the merchant does not list authenticates nobody. A rotation that
        // fails after it (the merchant deleted meanwhile, an error) removes it again, so no orphan entry stays.
        await apiKeys.CreateItemAsync(new ApiKeyDocument { Id = hash, MerchantId = id }, new PartitionKey(hash), cancellationToken: cancellationToken);
        MerchantDocument? dropped;
        try
        {
            dropped = await UpdateAsync(id, m => m with { ApiKeyHashes = [.. m.ApiKeyHashes.TakeLast(ActiveKeysMax - 1), hash] }, cancellationToken);
        }
        catch
        {
            await apiKeys.DeleteIfExistsAsync<ApiKeyDocument>(hash, hash, CancellationToken.None);
            throw;
        }

        if (dropped is null)
        {
            await apiKeys.DeleteIfExistsAsync<ApiKeyDocument>(hash, hash, cancellationToken);
            return null;
        }

        foreach (var old in dropped.ApiKeyHashes.SkipLast(ActiveKeysMax - 1))
        {
            keys.Remove(old);
            await apiKeys.DeleteIfExistsAsync<ApiKeyDocument>(old, old, cancellationToken);
        }

        return key;
    }

    /// <summary>
    /// Sets the price in the pricing's currency for captures from <see cref="MerchantOptions.PriceTakesEffectAfter"/> on;
    /// captures before keep the price they were made under. The same price saved again changes nothing.
    /// </summary>
    public async Task<MerchantView?> SetPricingAsync(string id, Pricing pricing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pricing);
        var now = time.GetUtcNow();
        var entry = new PricedFrom(pricing.Currency, new FeeRule(pricing.PercentBps, pricing.FixedMinor), CosmosTime.ToMicros(now + (options?.Value ?? new MerchantOptions()).PriceTakesEffectAfter));
        return await ChangeAsync(id, m => m with { Pricing = pricing, Prices = [.. MerchantPricing.ScheduleOf(m).With(entry, CosmosTime.ToMicros(now)).Entries] }, cancellationToken);
    }

    public Task<MerchantView?> SetSettlementSettingsAsync(string id, SettlementSettings settings, CancellationToken cancellationToken) =>
        ChangeAsync(id, m => m with { Settlement = settings }, cancellationToken);

    public Task<MerchantView?> SetPayoutAccountAsync(string id, PayoutAccount account, CancellationToken cancellationToken) =>
        ChangeAsync(id, m => m with { PayoutAccount = account }, cancellationToken);

    /// <summary>What settling the merchant needs: its prices over time, its settings and payout account; null when there is no such merchant.</summary>
    public async Task<MerchantTerms?> GetTermsAsync(string id, CancellationToken cancellationToken) =>
        await ReadAsync(id, cancellationToken) is { } m
            ? new MerchantTerms(m.Id, m.Name, MerchantPricing.ScheduleOf(m), m.Settlement ?? SettlementSettings.Default, m.PayoutAccount)
            : null;

    /// <summary>A page of merchant ids (in no particular order) and the continuation to the next page, null after the last.</summary>
    public async Task<(IReadOnlyList<string> Ids, string? Next)> ListIdsAsync(string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        using var iterator = merchants.GetItemQueryIterator<IdOnly>(
            new QueryDefinition("SELECT c.id FROM c"), continuation, new QueryRequestOptions { MaxItemCount = pageSize });
        var page = await iterator.ReadNextAsync(cancellationToken);
        return ([.. page.Select(m => m.Id)], iterator.HasMoreResults ? page.ContinuationToken : null);
    }

    private sealed record IdOnly([property: JsonPropertyName("id")] string Id);

    private async Task<MerchantView?> ChangeAsync(string id, Func<MerchantDocument, MerchantDocument> change, CancellationToken cancellationToken)
    {
        var before = await UpdateAsync(id, change, cancellationToken);
        return before is null ? null : MerchantView.From(change(before));
    }

    /// <summary>Compare-and-swap on the merchant document; returns the document as it was before, or null when missing.</summary>
    private Task<MerchantDocument?> UpdateAsync(string id, Func<MerchantDocument, MerchantDocument> change, CancellationToken cancellationToken) =>
        ResourceIds.IsValid(id, IdPrefix)
            ? merchants.UpdateAsync<MerchantDocument>(id, id, m => change(m) with { ETag = null }, m => m.ETag, cancellationToken)
            : Task.FromResult<MerchantDocument?>(null);

    public static bool IsMerchantId(string? id) => id is not null && ResourceIds.IsValid(id, IdPrefix);

    /// <summary>The merchant, or null: an id without a merchant id's shape (from a URL) names none and is never looked up.</summary>
    private Task<MerchantDocument?> ReadAsync(string id, CancellationToken cancellationToken) =>
        ResourceIds.IsValid(id, IdPrefix) ? merchants.ReadOrNullAsync<MerchantDocument>(id, id, cancellationToken) : Task.FromResult<MerchantDocument?>(null);
}

/// <summary>A new merchant and its first API key; the key is null when an earlier attempt under the same Idempotency-Key made the merchant.</summary>
public sealed record MerchantCreation(MerchantView Merchant, string? ApiKey);

/// <summary>What settling a merchant needs.</summary>
public sealed record MerchantTerms(string Id, string Name, PricingSchedule Pricing, SettlementSettings Settlement, PayoutAccount? PayoutAccount);

/// <summary>A merchant as the API shows it (never its keys).</summary>
/// <param name="Pricing">The price set last.</param>
/// <param name="Prices">The price in force in each priced currency, and since when.</param>
public sealed record MerchantView(
    string Id, string Name, Pricing? Pricing, IReadOnlyList<PriceView> Prices, SettlementSettings Settlement, PayoutAccount? PayoutAccount, DateTimeOffset CreatedAt)
{
    internal static MerchantView From(MerchantDocument document)
    {
        var prices = MerchantPricing.ScheduleOf(document).Entries
            .GroupBy(e => e.Currency)
            .Select(g => g.MaxBy(e => e.EffectiveFromMicros)!)
            .OrderBy(e => e.Currency, StringComparer.Ordinal)
            .Select(e => new PriceView(e.Currency, e.Rule.PercentBps, e.Rule.FixedMinor, At(e.EffectiveFromMicros)));
        return new(document.Id, document.Name, document.Pricing, [.. prices], document.Settlement ?? SettlementSettings.Default, document.PayoutAccount, At(document.CreatedMicros));
    }

    private static DateTimeOffset At(long micros) => new(CosmosTime.ToTicks(micros), TimeSpan.Zero);
}
