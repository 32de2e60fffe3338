using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Application.Merchants;

/// <summary>
/// Merchant API keys: 192 random bits, shown once. Stored as SHA-256 — a fast hash is enough because the key
/// has full entropy (nothing to guess), unlike a password.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "pk_";

    public static string Create() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
