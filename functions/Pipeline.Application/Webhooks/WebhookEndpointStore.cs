using System.Security.Cryptography;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Http;
using Pipeline.Application.Secrets;

namespace Pipeline.Application.Webhooks;

/// <summary>
/// An endpoint with its signing secret: the answer to a creation or a rotation, the only time the secret is shown (null
/// when a creation found its endpoint and may no longer show it).
/// </summary>
public sealed record EndpointWithSecret(WebhookEndpoint Endpoint, string? Secret);

/// <summary>
/// Webhook endpoints: created, changed, deleted, their secrets rotated — each change stored with its event — and what
/// the delivery worker records about them (health, disabling). Secrets live in the secret store under names never
/// reused: a new secret is stored first, then the endpoint switches to its name, so a crash in between leaves only an
/// unused secret (and a cache of secrets by name can never serve a stale one).
/// </summary>
public sealed class WebhookEndpointStore(Database database, ISecretStore secrets, IOptionsMonitor<WebhookOptions> options, TimeProvider time)
{
    public const string ContainerName = "webhook-endpoints";
    public const string IdPrefix = "we_";

    private readonly Container container = database.GetContainer(ContainerName);

    /// <summary>-1: only the events beside the endpoints expire.</summary>
    public static ContainerProperties ContainerProperties() => new(ContainerName, "/merchantId") { DefaultTimeToLive = -1 };

    private long NowMicros => CosmosTime.ToMicros(time.GetUtcNow());

    /// <summary>Why the URL may not be used, or null.</summary>
    public string? UrlRefusal(string? url) => WebhookUrlPolicy.Refusal(url, options.CurrentValue);

    /// <summary>
    /// Creates the endpoint with a new secret. Under an Idempotency-Key the id is derived from it: a retry whose first
    /// answer never arrived finds that endpoint and answers its secret again — but only while that is still the
    /// creation's secret and within the key's retention; later (or after a rotation: a leaked secret rotated away) the
    /// endpoint is answered without it, or anyone holding an old key could read the live secret (found in review). Null
    /// when the merchant has <see cref="WebhookLimits.EndpointsPerMerchantMax"/> endpoints.
    /// </summary>
    public async Task<EndpointWithSecret?> CreateAsync(
        string merchantId, string url, IReadOnlyList<string> events, string? description, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var id = ResourceIds.NewOrDerived(IdPrefix, merchantId, idempotencyKey);
        if (await GetAsync(merchantId, id, cancellationToken) is { } existing)
        {
            return await AnsweredAgainAsync(existing, cancellationToken);
        }

        if ((await ListAsync(merchantId, cancellationToken)).Count >= WebhookLimits.EndpointsPerMerchantMax)
        {
            return null;
        }

        var (name, secret) = await NewSecretAsync(id, cancellationToken);
        var now = NowMicros;
        var endpoint = new WebhookEndpoint
        {
            Id = id, MerchantId = merchantId, Url = url, Events = events, Description = description, Status = WebhookEndpointStatus.Enabled,
            SecretName = name, CreatedMicros = now, UpdatedMicros = now,
        };
        var (written, stored) = await EndpointWrites.WriteAsync(container, EndpointWrites.Kind.Create, endpoint, WebhookEndpointEvents.Created, cancellationToken);
        if (!written)
        {
            // The same key's first attempt is creating it right now: answer what it stored.
            var theirs = await GetAsync(merchantId, id, cancellationToken) ?? throw new InvalidOperationException($"Webhook endpoint {id} conflicted but does not exist.");
            return await AnsweredAgainAsync(theirs, cancellationToken);
        }

        return new EndpointWithSecret(stored!, secret);
    }

    /// <summary>A creation's answer given again: with the secret only while it is the creation's, within the key's retention.</summary>
    private async Task<EndpointWithSecret> AnsweredAgainAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken) =>
        endpoint.SecretRotatedMicros == 0 && NowMicros - endpoint.CreatedMicros < (long)ApiLimits.IdempotencyRetention.TotalMicroseconds
            ? new EndpointWithSecret(endpoint, await SecretAsync(endpoint.SecretName, cancellationToken))
            : new EndpointWithSecret(endpoint, null);

    /// <summary>The merchant's endpoint, or null (another merchant's is not in this merchant's partition).</summary>
    public Task<WebhookEndpoint?> GetAsync(string merchantId, string id, CancellationToken cancellationToken) =>
        ResourceIds.IsValid(id, IdPrefix) ? container.ReadOrNullAsync<WebhookEndpoint>(id, merchantId, cancellationToken) : Task.FromResult<WebhookEndpoint?>(null);

    /// <summary>Every endpoint of the merchant (at most <see cref="WebhookLimits.EndpointsPerMerchantMax"/>), oldest first.</summary>
    public async Task<IReadOnlyList<WebhookEndpoint>> ListAsync(string merchantId, CancellationToken cancellationToken) =>
        [.. (await container.QueryAllAsync<WebhookEndpoint>(
            new QueryDefinition($"SELECT * FROM c WHERE {EventLimits.NotAnEvent}"),
            new QueryRequestOptions { PartitionKey = new PartitionKey(merchantId) }, cancellationToken)).OrderBy(e => e.CreatedMicros).ThenBy(e => e.Id, StringComparer.Ordinal)];

    /// <summary>
    /// Applies the merchant's change (compare-and-swap, with its event); null when there is no such endpoint. Enabling
    /// an endpoint starts its health afresh; disabling it says the merchant asked.
    /// </summary>
    public Task<WebhookEndpoint?> UpdateAsync(string merchantId, string id, Func<WebhookEndpoint, WebhookEndpoint> change, CancellationToken cancellationToken) =>
        ChangeAsync(merchantId, id, endpoint =>
        {
            var changed = change(endpoint) with { UpdatedMicros = NowMicros };
            if (changed.Status == endpoint.Status)
            {
                return (changed, WebhookEndpointEvents.Updated);
            }

            return changed.Status == WebhookEndpointStatus.Disabled
                ? (changed with { DisabledReason = "requested" }, WebhookEndpointEvents.Disabled)
                : (changed with { DisabledReason = null, FailingSinceMicros = 0 }, WebhookEndpointEvents.Updated);
        }, EndpointWrites.Kind.Replace, cancellationToken);

    /// <summary>Deletes the endpoint with its event; false when there is none. Its pending deliveries are canceled by its worker.</summary>
    public async Task<bool> DeleteAsync(string merchantId, string id, CancellationToken cancellationToken) =>
        await ChangeAsync(merchantId, id, e => (e with { UpdatedMicros = NowMicros }, WebhookEndpointEvents.Deleted), EndpointWrites.Kind.Delete, cancellationToken) is not null;

    /// <summary>
    /// A new secret; the current one keeps signing alongside for <paramref name="previousValidFor"/> (zero: no longer).
    /// An older previous secret stops at once: at most two sign at a time. Null when there is no such endpoint.
    /// </summary>
    public async Task<EndpointWithSecret?> RotateSecretAsync(string merchantId, string id, TimeSpan previousValidFor, CancellationToken cancellationToken)
    {
        if (await GetAsync(merchantId, id, cancellationToken) is null)
        {
            return null;
        }

        var (name, secret) = await NewSecretAsync(id, cancellationToken);
        var rotated = await container.UpdateAsync<WebhookEndpoint>(id, merchantId, e =>
        {
            var now = NowMicros;
            return previousValidFor > TimeSpan.Zero
                ? e with { SecretName = name, PreviousSecretName = e.SecretName, PreviousSecretValidUntilMicros = now + (long)previousValidFor.TotalMicroseconds, SecretRotatedMicros = now, UpdatedMicros = now, ETag = null }
                : e with { SecretName = name, PreviousSecretName = null, PreviousSecretValidUntilMicros = 0, SecretRotatedMicros = now, UpdatedMicros = now, ETag = null };
        }, e => e.ETag, cancellationToken);
        return rotated is null ? null : new EndpointWithSecret(await GetAsync(merchantId, id, cancellationToken) ?? rotated, secret);
    }

    /// <summary>The values of the secrets that sign deliveries now (current first).</summary>
    public async Task<IReadOnlyList<string>> SigningSecretsAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var values = new List<string>();
        foreach (var name in endpoint.SigningSecretNames(NowMicros))
        {
            values.Add(await SecretAsync(name, cancellationToken));
        }

        return values;
    }

    /// <summary>
    /// Records a delivery's outcome on the endpoint's health, writing only when it changes it (the first failure of a
    /// run, the first success after failures). After <see cref="WebhookLimits.DisableAfterFailing"/> of nothing but
    /// failures, and a delivery that ran out of attempts, the endpoint is disabled with its event. Returns the endpoint
    /// as it is now (null: deleted).
    /// </summary>
    public Task<WebhookEndpoint?> RecordOutcomeAsync(WebhookEndpoint endpoint, bool succeeded, bool deliveryFailedForGood, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var now = NowMicros;
        bool Changes(WebhookEndpoint e) => succeeded ? e.FailingSinceMicros != 0 || e.LastSuccessMicros == 0 : e.FailingSinceMicros == 0 || ShouldDisable(e);
        bool ShouldDisable(WebhookEndpoint e) =>
            deliveryFailedForGood && e.Status == WebhookEndpointStatus.Enabled && e.FailingSinceMicros != 0
            && now - e.FailingSinceMicros >= (long)WebhookLimits.DisableAfterFailing.TotalMicroseconds;
        if (!Changes(endpoint))
        {
            return Task.FromResult<WebhookEndpoint?>(endpoint);
        }

        return ChangeAsync(endpoint.MerchantId, endpoint.Id, e =>
        {
            if (succeeded)
            {
                return (e with { LastSuccessMicros = now, FailingSinceMicros = 0 }, null);
            }

            return ShouldDisable(e)
                ? (e with { Status = WebhookEndpointStatus.Disabled, DisabledReason = "failing", UpdatedMicros = now }, WebhookEndpointEvents.Disabled)
                : (e with { FailingSinceMicros = e.FailingSinceMicros == 0 ? now : e.FailingSinceMicros }, null);
        }, EndpointWrites.Kind.Replace, cancellationToken);
    }

    /// <summary>
    /// Compare-and-swap of one endpoint: <paramref name="change"/> gives the new state and its event type (null: a
    /// change no merchant sees, written without an event). Null when the endpoint does not exist (or was deleted).
    /// </summary>
    private async Task<WebhookEndpoint?> ChangeAsync(
        string merchantId, string id, Func<WebhookEndpoint, (WebhookEndpoint Changed, string? EventType)> change, EndpointWrites.Kind kind, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            var current = await GetAsync(merchantId, id, cancellationToken);
            if (current is null)
            {
                return null;
            }

            var (changed, type) = change(current);
            if (type is null)
            {
                try
                {
                    var replaced = await container.ReplaceItemAsync(changed with { ETag = null }, id, new PartitionKey(merchantId),
                        new ItemRequestOptions { IfMatchEtag = current.ETag }, cancellationToken);
                    return replaced.Resource;
                }
                catch (CosmosException e) when (e.StatusCode == System.Net.HttpStatusCode.PreconditionFailed)
                {
                    await Contention.BackOffAsync(attempt, cancellationToken);
                    continue;
                }
            }

            var (written, stored) = await EndpointWrites.WriteAsync(container, kind, changed with { ETag = current.ETag }, type, cancellationToken);
            if (written)
            {
                return stored ?? changed;
            }

            await Contention.BackOffAsync(attempt, cancellationToken);
        }

        throw new InvalidOperationException($"Webhook endpoint {id} kept changing; gave up after {Contention.AttemptsMax} attempts.");
    }

    private async Task<(string Name, string Secret)> NewSecretAsync(string endpointId, CancellationToken cancellationToken)
    {
        var secret = WebhookLimits.SecretPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(WebhookLimits.SecretBytes));
        // Key Vault names: letters, digits and dashes.
        var name = $"webhook-{endpointId.Replace('_', '-')}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        await secrets.SetAsync(name, secret, cancellationToken);
        return (name, secret);
    }

    private async Task<string> SecretAsync(string name, CancellationToken cancellationToken) =>
        await secrets.GetAsync(name, cancellationToken) ?? throw new InvalidOperationException($"The signing secret {name} is missing from the secret store.");
}
