using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RainForest.Linux.Namespaces;

namespace RainForest.Linux.Tests.Namespaces;

/// <summary>Sockets made inside another network namespace (as root: setns needs CAP_SYS_ADMIN).</summary>
public sealed class NetworkNamespaceTests
{
    [Fact]
    public async Task CreateSocket_OwnNamespace_ReachesTheHostsLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var ns = NetworkNamespace.Open("/proc/self/ns/net");
        using var socket = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(listener.LocalEndpoint);
        Assert.True(socket.Connected);
    }

    [Fact]
    public async Task CreateSocket_FreshNamespace_CannotReachTheHostsListener()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        // A process of our own in a new network namespace, whose loopback is down and holds no listener.
        using var holder = Process.Start(new ProcessStartInfo("unshare", ["--net", "sleep", "30"]))!;
        try
        {
            var path = $"/proc/{holder.Id}/ns/net";
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (File.ResolveLinkTarget(path, false)?.Name == File.ResolveLinkTarget("/proc/self/ns/net", false)?.Name && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            using var ns = NetworkNamespace.Open(path);
            using var socket = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await Assert.ThrowsAnyAsync<SocketException>(async () => await socket.ConnectAsync(listener.LocalEndpoint));
        }
        finally
        {
            holder.Kill();
            await holder.WaitForExitAsync();
        }
    }

    [Fact]
    public void Open_NotANamespace_Throws() =>
        Assert.ThrowsAny<Exception>(() => NetworkNamespace.Open("/proc/self/status"));
}
