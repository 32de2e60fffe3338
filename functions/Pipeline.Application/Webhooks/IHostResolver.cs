using System.Net;

namespace Pipeline.Application.Webhooks;

/// <summary>Resolves a receiver's host name at the moment of a delivery (DNS; tests point names where they like).</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

public sealed class DnsHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}
