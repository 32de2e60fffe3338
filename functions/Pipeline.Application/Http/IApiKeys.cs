namespace Pipeline.Application.Http;

/// <summary>Where <see cref="Authenticator"/> looks a merchant's API key up (the merchants' store), so the HTTP kernel depends on no capability.</summary>
public interface IApiKeys
{
    /// <returns>The id of the merchant holding this key, or null for an unknown or revoked key.</returns>
    Task<string?> FindMerchantAsync(string key, CancellationToken cancellationToken);
}
