using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Pipeline.Application.Settings;

namespace Pipeline.Application.Http;

/// <summary>
/// Turns "Authorization: Bearer &lt;key&gt;" into a <see cref="Caller"/>: the admin key (compared in constant time)
/// or a merchant's API key (looked up by its hash). A missing, malformed or unknown key is anonymous, which
/// every protected route refuses with 401.
/// </summary>
public sealed class Authenticator(IOptions<PipelineOptions> options, IApiKeys apiKeys)
{
    private const string Scheme = "Bearer ";

    public async Task<Caller> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(Scheme, StringComparison.Ordinal) || header.Length == Scheme.Length)
        {
            return Caller.Anonymous;
        }

        var key = header[Scheme.Length..];
        if (IsAdminKey(key))
        {
            return Caller.Admin;
        }

        var merchantId = await apiKeys.FindMerchantAsync(key, cancellationToken);
        return merchantId is null ? Caller.Anonymous : new Caller(CallerKind.Merchant, merchantId);
    }

    /// <summary>Hashing both sides first gives equal lengths, so the comparison time says nothing about the key.</summary>
    private bool IsAdminKey(string key) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(key)),
            SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AdminKey)));
}
