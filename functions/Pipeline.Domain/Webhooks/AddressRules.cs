using System.Net;
using System.Net.Sockets;

namespace Pipeline.Domain.Webhooks;

/// <summary>
/// Which addresses a webhook may never be sent to, so that a merchant's endpoint URL cannot make the platform call
/// into its own network (server-side request forgery): loopback, private, link-local (the instance metadata service),
/// carrier-grade NAT, multicast, reserved, Azure's platform address, and the IPv6 forms that carry any of those
/// IPv4 addresses inside. An operator may allow networks explicitly (a receiver inside a private network, or a
/// local run); an allowed network wins.
/// </summary>
public static class AddressRules
{
    /// <summary>Azure's virtual public IP (DNS, health probes, the wire server): never a merchant's receiver.</summary>
    private static readonly IPAddress AzurePlatform = IPAddress.Parse("168.63.129.16");

    private static readonly IPNetwork[] ForbiddenV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("224.0.0.0/4"),
        IPNetwork.Parse("240.0.0.0/4"),
    ];

    private static readonly IPNetwork[] ForbiddenV6 =
    [
        IPNetwork.Parse("::/96"), // unspecified, loopback and the deprecated IPv4-compatible form
        IPNetwork.Parse("2001::/32"), // Teredo: tunnels to an IPv4 address
        IPNetwork.Parse("fc00::/7"), // unique local
        IPNetwork.Parse("fe80::/10"), // link-local
        IPNetwork.Parse("fec0::/10"), // site-local (deprecated, still routed by some stacks)
        IPNetwork.Parse("ff00::/8"), // multicast
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>Whether a webhook must not be sent to <paramref name="address"/>, given the networks an operator allows.</summary>
    public static bool IsForbidden(IPAddress address, IReadOnlyList<IPNetwork> allowed)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(allowed);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (allowed.Any(network => network.Contains(address)))
        {
            return false;
        }

        return address.AddressFamily == AddressFamily.InterNetwork
            ? IsForbiddenV4(address)
            : ForbiddenV6.Any(network => network.Contains(address)) || EmbeddedV4(address) is { } inner && IsForbidden(inner, allowed);
    }

    private static bool IsForbiddenV4(IPAddress address) => address.Equals(AzurePlatform) || ForbiddenV4.Any(network => network.Contains(address));

    /// <summary>The IPv4 address a NAT64 or 6to4 address reaches, or null.</summary>
    private static IPAddress? EmbeddedV4(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return Nat64.Contains(address) ? new IPAddress(bytes.AsSpan(12, 4))
            : SixToFour.Contains(address) ? new IPAddress(bytes.AsSpan(2, 4))
            : null;
    }
}
