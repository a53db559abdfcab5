using System.Net;
using System.Net.Sockets;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// Free loopback ports for the servers the tests start (redis-server, Kannel, aiosmtpd, server processes, HTTP
/// fakes). A port is found by binding port 0 and closing it, and the kernel hands a port just freed that way out again
/// as readily as any other (on this machine one bind(0) in about 500 returned a port given in the 20 before it), while
/// test classes run in parallel: two servers could be given one port between the probe and their own bind, and a
/// stopped Redis that keeps its port could find another test's server on it. So no port is given twice in this
/// process.
/// </summary>
internal static class LoopbackPorts
{
    private static readonly HashSet<int> Given = [];

    public static int Free()
    {
        lock (Given)
        {
            for (var i = 0; i < 1000; i++)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException("No loopback port that this test process has not already given out.");
    }
}
