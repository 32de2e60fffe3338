using System.Collections.Concurrent;
using Azure;
using Azure.Security.KeyVault.Secrets;

namespace Pipeline.Application.Secrets;

/// <summary>
/// Key Vault through <see cref="SecretClient"/> (with the app's managed identity). Secrets are cached for
/// <see cref="CacheDuration"/>: a device key is read on every signed request and Key Vault throttles hot reads.
/// </summary>
public sealed class KeyVaultSecretStore(SecretClient client, TimeProvider time) : ISecretStore
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (string Value, DateTimeOffset Until)> cache = new(StringComparer.Ordinal);

    public async Task SetAsync(string name, string value, CancellationToken cancellationToken)
    {
        await client.SetSecretAsync(name, value, cancellationToken);
        cache[name] = (value, time.GetUtcNow() + CacheDuration);
    }

    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(name, out var cached) && cached.Until > time.GetUtcNow())
        {
            return cached.Value;
        }

        try
        {
            var secret = await client.GetSecretAsync(name, version: null, cancellationToken);
            cache[name] = (secret.Value.Value, time.GetUtcNow() + CacheDuration);
            return secret.Value.Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
