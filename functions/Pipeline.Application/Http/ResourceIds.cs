using System.Security.Cryptography;

namespace Pipeline.Application.Http;

/// <summary>
/// Ids of what the API creates: a type prefix ("pay_", "wal_", ...) and 96 random bits in lower-case hex. An id
/// from a URL that does not have this shape names nothing of ours, so it is answered 404 without a lookup.
/// </summary>
public static class ResourceIds
{
    private const int RandomBytes = 12;

    public static string New(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>The same id for the same seed (e.g. a merchant and its Idempotency-Key): a retry finds what the first attempt made.</summary>
    public static string Derived(string prefix, string seed) =>
        prefix + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)).AsSpan(0, RandomBytes));

    /// <summary>
    /// A new id, or under an Idempotency-Key one derived from the kind (<paramref name="prefix"/>), the caller's scope
    /// and the key: a retry after an answer that never arrived (a crash, a 5xx, an expired record) finds what the first
    /// attempt made instead of making a second one.
    /// </summary>
    public static string NewOrDerived(string prefix, string scope, string? idempotencyKey) =>
        idempotencyKey is null ? New(prefix) : Derived(prefix, $"{prefix}\n{scope}\n{idempotencyKey}");

    public static bool IsValid(string id, string prefix) =>
        id.Length == prefix.Length + (2 * RandomBytes)
        && id.StartsWith(prefix, StringComparison.Ordinal)
        && !id.AsSpan(prefix.Length).ContainsAnyExcept("0123456789abcdef");
}
