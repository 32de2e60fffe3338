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
/// HMAC-SHA256 request signatures, as devices, banks and our outgoing webhooks use them: the signed text is
/// "&lt;unix seconds&gt;.&lt;raw body&gt;", the timestamp must be within <see cref="Tolerance"/> of now (so a
/// captured request cannot be replayed later), and the comparison is constant-time.
/// </summary>
public static class RequestSignature
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(Mac(secret, unixSeconds, body));
    }

    /// <summary>Checks a hex signature (<paramref name="signatureHex"/>, without its "v1=") made at <paramref name="timestamp"/>.</summary>
    public static SignatureCheck Verify(string secret, string? timestamp, string? signatureHex, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHex))
        {
            return SignatureCheck.Missing;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || signatureHex.Length != 64 || !signatureHex.All(Uri.IsHexDigit))
        {
            return SignatureCheck.Malformed;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > Tolerance.TotalSeconds)
        {
            return SignatureCheck.Stale;
        }

        return CryptographicOperations.FixedTimeEquals(Mac(secret, seconds, body), Convert.FromHexString(signatureHex))
            ? SignatureCheck.Valid
            : SignatureCheck.Mismatch;
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
