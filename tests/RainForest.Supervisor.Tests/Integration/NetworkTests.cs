using System.Diagnostics;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor.Network;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>RFloop and NIC pass-through on the real kernel, in namespaces the supervisor creates.</summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class NetworkTests : IDisposable
{
    private readonly CellHost _host = new();

    public void Dispose() => _host.Dispose();

    private void Create(string name, NetMode net, params string[] nics) =>
        _host.Supervisor.Create(new CreateOptions { Name = name, Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("256M"), Net = net, Nics = nics });

    [Fact]
    public void Loop_UnmodifiedMemcachedAndClient_ReachEachOtherByName()
    {
        Assert.True(File.Exists("/usr/bin/memcached"), "memcached is required (apt-get install memcached; .ci/run installs it)");
        Create("cache", NetMode.Loop);
        Create("client", NetMode.Loop);
        var (started, _) = _host.Exec("cache", "memcached", "-d", "-u", "nobody", "-l", "0.0.0.0", "-p", "11211", "-U", "0");
        Assert.Equal(0, started);

        var (code, output) = _host.Exec("client", "bash", "-c",
            "for i in $(seq 50); do exec 3<>/dev/tcp/cache.rf/11211 2>/dev/null && break; sleep 0.1; done; printf 'version\\r\\n' >&3; head -c 7 <&3");

        Assert.Equal(0, code);
        Assert.Equal("VERSION", output);
        Assert.Equal("10.77.0.2", _host.Supervisor.Show("cache").Record.Address);
        Assert.True(_host.Loop.Exists);
    }

    [Fact]
    public void NetNone_HasOnlyLoopbackAndCannotResolvePeers()
    {
        Create("member", NetMode.Loop);
        Create("alone", NetMode.None);

        var (code, output) = _host.Exec("alone", "sh", "-c", "ls /sys/class/net; getent hosts member.rf || echo unresolved");

        Assert.Equal(0, code);
        Assert.Equal(["lo", "unresolved"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Destroy_LastLoopMember_RemovesTheSegment()
    {
        Create("only", NetMode.Loop);
        Assert.True(_host.Loop.Exists);

        _host.Supervisor.Destroy("only");

        Assert.False(_host.Loop.Exists);
    }

    [Fact]
    public void Nic_HostInterface_MovesInsideAndIsOwnedOnce()
    {
        // This VM's kernel has no dummy driver; one end of a veth pair the test creates stands in for a NIC.
        var device = "rf-nic" + Guid.NewGuid().ToString("N")[..6];
        Run("ip", "link", "add", device, "type", "veth", "peer", "name", device + "p");
        try
        {
            Create("owner", NetMode.None, device);

            var (code, output) = _host.Exec("owner", "ls", "/sys/class/net");

            Assert.Equal(0, code);
            Assert.Contains(device, output, StringComparison.Ordinal);
            Assert.False(Directory.Exists($"/sys/class/net/{device}"));
            Assert.Equal([device], _host.Supervisor.Show("owner").Record.Nics);
            var error = Assert.Throws<RfException>(() => Create("thief", NetMode.None, device));
            Assert.Equal(2, error.ExitCode);
        }
        finally
        {
            // A veth pair dies with the namespace one end was moved into; delete it if the test failed before.
            if (Directory.Exists($"/sys/class/net/{device}"))
            {
                Run("ip", "link", "del", device);
            }
        }
    }

    [Fact]
    public void BadNetworkInput_IsRejected()
    {
        Assert.Equal(2, Assert.Throws<RfException>(() => CreateOptions.ParseNet("bridge")).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => Create("x", (NetMode)7)).ExitCode);
        Assert.Equal(2, Assert.Throws<RfException>(() => Create("x", NetMode.None, "no-such-nic0")).ExitCode);
        Assert.Empty(_host.Supervisor.List());
    }

    private static void Run(string tool, params string[] args)
    {
        using var process = Process.Start(tool, args);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
