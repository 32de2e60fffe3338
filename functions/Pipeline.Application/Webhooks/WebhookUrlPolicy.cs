using System.Net;
using Pipeline.Domain.Webhooks;

namespace Pipeline.Application.Webhooks;

/// <summary>
/// What an endpoint's URL may be, decided when it is created or changed, without DNS (so creating an endpoint never
/// depends on it): absolute, https (http only where allowed), no user info or fragment, and no address literal — in any
/// spelling <see cref="Uri"/> reads as an address — in a range webhooks must not reach (<see cref="AddressRules"/>).
/// A name is checked at every delivery instead, against the addresses it resolves to then (<c>SafeConnect</c>).
/// </summary>
public static class WebhookUrlPolicy
{
    /// <summary>Why the URL is refused, or null when it is allowed.</summary>
    public static string? Refusal(string? url, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(url) || url.Length > WebhookLimits.UrlLengthMax || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return $"Give an absolute https URL of at most {WebhookLimits.UrlLengthMax} characters.";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && options.AllowHttp))
        {
            return "The URL must use https.";
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0 || uri.Host.Length == 0)
        {
            return "The URL may not carry user info or a fragment.";
        }

        var addresses = uri.HostNameType switch
        {
            UriHostNameType.IPv4 or UriHostNameType.IPv6 => [IPAddress.Parse(uri.IdnHost)],
            _ when IsLocalhost(uri.IdnHost) => [IPAddress.Loopback, IPAddress.IPv6Loopback],
            _ => Array.Empty<IPAddress>(),
        };
        var allowed = options.Networks();
        return addresses.Any(a => AddressRules.IsForbidden(a, allowed))
            ? "The URL points at a private, loopback, link-local or reserved address; webhooks are sent only to public receivers."
            : null;
    }

    private static bool IsLocalhost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
}
