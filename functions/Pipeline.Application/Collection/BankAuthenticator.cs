using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Pipeline.Application.Devices;

namespace Pipeline.Application.Collection;

/// <summary>
/// Authenticates the collecting bank's webhooks: "X-Bank-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex
/// HMAC-SHA256(bank secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;" (BRIEF §6), within the same 300 s as devices, each
/// signature once (the replay guard keys on its canonical form). The bank's secret and, while it rotates, its
/// previous one come from the settings (a Key Vault reference on Azure). Without a secret every webhook is refused,
/// at the same cost as a wrong signature.
/// </summary>
public sealed class BankAuthenticator(IOptionsMonitor<CollectionOptions> options, SignatureReplayGuard replays, TimeProvider time)
{
    public const string SignatureHeader = "X-Bank-Signature";

    /// <summary>The replay guard's signer name for the bank.</summary>
    private const string Signer = "bank";

    private static readonly string NobodysSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public async Task<SignatureCheck> AuthenticateAsync(HttpRequest request, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[SignatureHeader].ToString();
        var settings = options.CurrentValue;
        var verification = RequestSignature.Verify(
            [Usable(settings.BankSecret), Usable(settings.BankSecretPrevious)],
            RequestSignature.Part(header, "t"),
            RequestSignature.Part(header, "v1"),
            body,
            time.GetUtcNow());
        if (verification.Signature is not { } signature)
        {
            return verification.Check;
        }

        return await replays.FirstUseAsync(Signer, signature, cancellationToken) ? SignatureCheck.Valid : SignatureCheck.Replayed;
    }

    private static string Usable(string? secret) => string.IsNullOrEmpty(secret) ? NobodysSecret : secret;
}
