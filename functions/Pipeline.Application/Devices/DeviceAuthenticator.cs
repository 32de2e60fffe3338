using System.Security.Cryptography;
using Pipeline.Application.Http;

namespace Pipeline.Application.Devices;

/// <summary>
/// Authenticates a device-signed request: X-Device-Id, X-Device-Timestamp (unix seconds) and
/// X-Device-Signature "v1=&lt;hex HMAC-SHA256(device secret, "&lt;timestamp&gt;.&lt;raw body&gt;")&gt;". Every refusal is
/// the same 401 invalid_signature, so a caller cannot tell an unknown device from a wrong signature.
/// </summary>
public sealed class DeviceAuthenticator(DeviceStore devices, SignatureReplayGuard replays, TimeProvider time)
{
    public const string DeviceIdHeader = "X-Device-Id";
    public const string TimestampHeader = "X-Device-Timestamp";
    public const string SignatureHeader = "X-Device-Signature";

    /// <summary>
    /// What a request is checked against where a device has no secret — an unknown device, a device without a stored
    /// secret, no rotation running: a secret nobody knows, drawn per process. Every request thus costs two HMACs and
    /// a refusal ends the same way whatever the reason, so the time it takes does not tell whether the device exists.
    /// </summary>
    private static readonly string NobodysSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(DeviceLimits.SecretBytes));

    public async Task<(Caller? Caller, SignatureCheck Check)> AuthenticateAsync(HttpRequest request, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var deviceId = request.Headers[DeviceIdHeader].ToString();
        var signer = await devices.FindSignerAsync(deviceId, cancellationToken);
        var verification = RequestSignature.Verify(
            [signer?.Current ?? NobodysSecret, signer?.Previous ?? NobodysSecret],
            request.Headers[TimestampHeader].ToString(),
            RequestSignature.Part(request.Headers[SignatureHeader].ToString(), "v1"),
            body,
            time.GetUtcNow());

        // Only a verified signature reaches the replay guard, and only in its canonical form.
        if (signer is null || verification.Signature is not { } signature)
        {
            return (null, verification.Check);
        }

        if (!await replays.FirstUseAsync(deviceId, signature, cancellationToken))
        {
            return (null, SignatureCheck.Replayed);
        }

        // Signed with the current secret while the previous one still signs: the device has switched.
        if (verification.SecretIndex == 0 && signer.CurrentUnconfirmed)
        {
            await devices.ConfirmCurrentSecretAsync(deviceId, cancellationToken);
        }

        return (new Caller(CallerKind.Device, signer.MerchantId) { DeviceId = deviceId }, SignatureCheck.Valid);
    }
}
