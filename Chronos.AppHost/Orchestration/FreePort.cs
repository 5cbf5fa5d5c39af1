using System.Net;
using System.Net.Sockets;

namespace Chronos.AppHost.Orchestration;

internal static class FreePort
{
    /// <summary>A loopback TCP port nothing listens on now (the kernel's choice; another process could still take it before the child binds).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
