using System.Net;
using System.Net.Sockets;

namespace Pipeline.Local.Emulators;

/// <summary>Loopback helpers for the processes and servers the local host starts.</summary>
public static class Loopback
{
    /// <summary>A port free on 127.0.0.1 right now (the OS picks it), for a server that cannot be told "port 0".</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
