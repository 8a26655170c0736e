using System.Net;
using System.Net.Sockets;
using RainForest.Linux.Namespaces;

namespace RainForest.Controller.Probes;

/// <summary>Opens TCP connections to the probed service, from the host's network or from inside a subOS's.</summary>
/// <param name="Address">The service's address (a subOS's RFloop address, or any other).</param>
/// <param name="Port">Its port.</param>
/// <param name="Namespace">The network namespace to connect from (the taker's own, where its RFloop peers and itself are reachable); null for the host's.</param>
public sealed record ProbeConnector(IPAddress Address, int Port, NetworkNamespace? Namespace = null)
{
    /// <summary>Opens a connection with Nagle's delay off (a probe is one small request).</summary>
    public async ValueTask<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = Namespace?.CreateSocket(Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            ?? new Socket(Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = true;
            await socket.ConnectAsync(new IPEndPoint(Address, Port), cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
