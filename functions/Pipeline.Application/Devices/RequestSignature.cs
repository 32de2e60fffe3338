using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Application.Devices;

public enum SignatureCheck
{
    Valid,
    Missing,
    Malformed,
    Stale,
    Mismatch,

    /// <summary>Valid, but already used once.</summary>
    Replayed,
}

/// <summary>
/// A signature in its one canonical form: the MAC bytes it decodes to, as lower-case hex. Hex digits may be sent in
/// either case, so "AB.." and "ab.." are the same signature; anything that remembers signatures (the replay guard)
/// must key on this form, never on the text the caller sent, or one captured request could be replayed once per
/// upper/lower-case spelling of its digits. Only <see cref="RequestSignature.Verify"/> makes one, and only for a
/// signature that verified, so every verifier gets it the same way: device requests today, and the bank's
/// "X-Bank-Signature: t=..,v1=.." webhooks when collections come (read the parts with <see cref="RequestSignature.Part"/>,
/// verify, and hand the result's <see cref="SignatureVerification.Signature"/> to the replay guard).
/// </summary>
public sealed record CanonicalSignature
{
    private CanonicalSignature(string hex) => Hex = hex;

    public string Hex { get; }

    internal static CanonicalSignature Of(ReadOnlySpan<byte> mac) => new(Convert.ToHexStringLower(mac));
}

/// <summary>
/// The outcome of a check. When <see cref="Check"/> is <see cref="SignatureCheck.Valid"/>: the canonical signature and
/// the index of the secret that made it; otherwise both null.
/// </summary>
public readonly record struct SignatureVerification(SignatureCheck Check, CanonicalSignature? Signature = null, int? SecretIndex = null);

/// <summary>
/// HMAC-SHA256 request signatures, as devices, banks and our outgoing webhooks use them: the signed text is
/// "&lt;unix seconds&gt;.&lt;raw body&gt;", the timestamp must be within <see cref="Tolerance"/> of now (so a
/// captured request cannot be replayed later), and the comparison is constant-time.
/// </summary>
public static class RequestSignature
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    private const int SignatureHexLength = 64;

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(Mac(secret, unixSeconds, body));
    }

    /// <summary>
    /// Checks a hex signature (<paramref name="signatureHex"/>, without its "v1=") made at <paramref name="timestamp"/>
    /// with any of <paramref name="secrets"/> (a signer's current secret, and during a rotation its previous one).
    /// Every secret is tried, whichever matches, so the time taken does not say which one did; the first that matches
    /// is the one named.
    /// </summary>
    public static SignatureVerification Verify(IReadOnlyList<string> secrets, string? timestamp, string? signatureHex, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHex))
        {
            return new(SignatureCheck.Missing);
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || signatureHex.Length != SignatureHexLength || !signatureHex.All(Uri.IsHexDigit))
        {
            return new(SignatureCheck.Malformed);
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > Tolerance.TotalSeconds)
        {
            return new(SignatureCheck.Stale);
        }

        var sent = Convert.FromHexString(signatureHex);
        int? matched = null;
        for (var i = secrets.Count - 1; i >= 0; i--)
        {
            matched = CryptographicOperations.FixedTimeEquals(Mac(secrets[i], seconds, body), sent) ? i : matched;
        }

        return matched is { } index ? new(SignatureCheck.Valid, CanonicalSignature.Of(sent), index) : new(SignatureCheck.Mismatch);
    }

    /// <summary>The hex value after "v1=" in a header such as "v1=ab..." or "t=123,v1=ab...".</summary>
    public static string? Part(string? header, string name)
    {
        foreach (var part in (header ?? "").Split(','))
        {
            var trimmed = part.Trim();
            if (trimmed.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return trimmed[(name.Length + 1)..];
            }
        }

        return null;
    }

    private static byte[] Mac(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }
}
