// The receiver's verifier exactly as docs/EVENTS.md gives it (a test checks the two are the same text).
// BEGIN VERIFIER
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

/// <summary>Checks a Pipeline webhook: the raw body as received, its Pipeline-Signature header and the endpoint's secret.</summary>
public static class PipelineWebhook
{
    public static bool Verify(string? signatureHeader, byte[] rawBody, string secret, DateTimeOffset now)
    {
        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in (signatureHeader ?? "").Split(','))
        {
            var pair = part.Trim().Split('=', 2);
            if (pair is ["t", var t] && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                timestamp = seconds;
            }
            else if (pair is ["v1", var hex] && hex.Length == 64 && hex.All(Uri.IsHexDigit))
            {
                signatures.Add(Convert.FromHexString(hex));
            }
        }

        // Refuse a timestamp more than 5 minutes from your clock: a captured request cannot be replayed later.
        if (timestamp is not { } signedAt || Math.Abs(now.ToUnixTimeSeconds() - signedAt) > 300)
        {
            return false;
        }

        var signed = Encoding.UTF8.GetBytes(signedAt.ToString(CultureInfo.InvariantCulture) + ".").Concat(rawBody).ToArray();
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        // During a secret rotation the header carries one v1 per secret: any one made with yours is enough.
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(s, expected));
    }
}
// END VERIFIER
