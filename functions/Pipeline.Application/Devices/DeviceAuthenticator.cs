using Pipeline.Application.Http;
using Pipeline.Application.Secrets;

namespace Pipeline.Application.Devices;

/// <summary>
/// Authenticates a device-signed request: X-Device-Id, X-Device-Timestamp (unix seconds) and
/// X-Device-Signature "v1=&lt;hex HMAC-SHA256(device secret, "&lt;timestamp&gt;.&lt;raw body&gt;")&gt;". Every refusal is
/// the same 401 invalid_signature, so a caller cannot tell an unknown device from a wrong signature.
/// </summary>
public sealed class DeviceAuthenticator(DeviceStore devices, ISecretStore secrets, SignatureReplayGuard replays, TimeProvider time)
{
    public const string DeviceIdHeader = "X-Device-Id";
    public const string TimestampHeader = "X-Device-Timestamp";
    public const string SignatureHeader = "X-Device-Signature";

    public async Task<(Caller? Caller, SignatureCheck Check)> AuthenticateAsync(HttpRequest request, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var deviceId = request.Headers[DeviceIdHeader].ToString();
        var signature = RequestSignature.Part(request.Headers[SignatureHeader].ToString(), "v1");
        var found = deviceId.Length == 0 ? null : await devices.FindAsync(deviceId, cancellationToken);
        var secret = found is null ? null : await secrets.GetAsync(DeviceStore.SecretName(deviceId), cancellationToken);
        if (secret is null)
        {
            return (null, SignatureCheck.Missing);
        }

        var check = RequestSignature.Verify(secret, request.Headers[TimestampHeader].ToString(), signature, body, time.GetUtcNow());
        if (check != SignatureCheck.Valid)
        {
            return (null, check);
        }

        return await replays.FirstUseAsync(deviceId, signature!, cancellationToken)
            ? (new Caller(CallerKind.Device, found!.Value.MerchantId) { DeviceId = deviceId }, check)
            : (null, SignatureCheck.Replayed);
    }
}
