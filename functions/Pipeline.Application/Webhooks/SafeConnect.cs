using System.Net;
using System.Net.Sockets;
using Pipeline.Domain.Webhooks;

namespace Pipeline.Application.Webhooks;

/// <summary>A delivery refused because the receiver's name resolved to an address webhooks must not reach.</summary>
public sealed class AddressNotAllowedException(string host) : IOException($"{host} resolves to an address webhooks are not sent to.");

/// <summary>
/// How a delivery connects: the host name is resolved now (names can be re-pointed since the endpoint was created),
/// every address it resolves to is checked (<see cref="AddressRules"/>; one forbidden address refuses the attempt, so a
/// name cannot mix a public address with the metadata service's), and the socket connects to exactly those checked
/// addresses — the HTTP stack never resolves the name again, which defeats DNS rebinding. TLS still verifies the name.
/// </summary>
public sealed class SafeConnect(IHostResolver resolver, IReadOnlyList<IPNetwork> allowed)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await resolver.ResolveAsync(host, cancellationToken);
        if (addresses.Length == 0 || addresses.Any(a => AddressRules.IsForbidden(a, allowed)))
        {
            throw new AddressNotAllowedException(host);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
