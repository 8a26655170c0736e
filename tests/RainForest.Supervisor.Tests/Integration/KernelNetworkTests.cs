using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Kernels;
using RainForest.Supervisor.Network;
using RainForest.Vm.Qemu;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>
/// RFtun on the real machine under TCG: a kernel subOS's guest on the RFloop bridge through a tap, talking with a cell
/// both ways by name, filtered like a cell's port, and leaving no tap behind.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed partial class KernelNetworkTests : IDisposable
{
    private const string Guest = "kloop";
    private const string Cell = "cloop";
    private readonly CellHost _host = new();

    public void Dispose() => _host.Dispose();

    [GuestFact]
    public void Loop_GuestAndCell_ReachEachOtherByName_TapFilteredAndRemoved()
    {
        _host.Supervisor.Create(new CreateOptions { Name = Cell, Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("256M"), Net = NetMode.Loop });
        var guest = _host.Supervisor.Create(new CreateOptions
        {
            Name = Guest,
            Cpus = CpuRequest.Parse("1", false),
            Memory = ByteSize.Parse("320M"),
            Net = NetMode.Loop,
            Backend = SubOsBackendKind.Kernel,
            Guest = new GuestSpec { Accelerator = QemuAccelerator.Tcg },
        });
        var dir = _host.State.SubOsDirectory(Guest);
        try
        {
            // The ledger: the same address plan as a cell; the tap is the guest's port on the bridge.
            Assert.Equal("10.77.0.3", guest.Address);
            var tap = LoopNetwork.TapLink(Guest);
            Assert.StartsWith("rf-", tap, StringComparison.Ordinal);
            Assert.Contains((tap, (string?)LoopNetwork.BridgeName), _host.Loop.Links());

            // Inside the guest: eth0 with its address and the MAC derived from it, and the cell's name.
            var eth0 = Exec(Guest, string.Empty, "ip", "-o", "addr", "show", "dev", "eth0");
            Assert.Contains("inet 10.77.0.3/24", eth0.Stdout, StringComparison.Ordinal);
            Assert.Contains(LoopFilter.MacOf("10.77.0.3"), Exec(Guest, string.Empty, "cat", "/sys/class/net/eth0/address").Stdout, StringComparison.Ordinal);
            Assert.Contains("10.77.0.2\tcloop.rf cloop", Exec(Guest, string.Empty, "cat", "/etc/hosts").Stdout, StringComparison.Ordinal);

            // Guest to cell: ICMP by name. The round-trip time is what TCG costs.
            var ping = Exec(Guest, string.Empty, "busybox", "ping", "-c", "5", "-W", "5", "cloop.rf");
            Assert.True(ping.Code == 0, $"ping from the guest: {ping.Stdout}{ping.Stderr}");
            Console.Error.WriteLine($"guest -> cell: {RoundTrip().Match(ping.Stdout).Value}");

            // Cell to guest: TCP by name to a listener in the guest (its exec ends when the connection does; a program
            // left running in the background would end with the exec's session).
            var listener = Task.Run(() => Exec(Guest, string.Empty, "busybox", "nc", "-l", "-p", "7000"));
            var (sent, output) = _host.Exec(Cell, "bash", "-c",
                "for i in $(seq 150); do (echo hello-guest >/dev/tcp/kloop.rf/7000) 2>/dev/null && exit 0; sleep 0.2; done; exit 1");
            Assert.True(sent == 0, $"the cell could not reach kloop.rf:7000: {output}");
            Assert.True(listener.Wait(TimeSpan.FromSeconds(60)), "the guest's listener did not end");
            Assert.Equal((0, "hello-guest\n"), (listener.Result.Code, listener.Result.Stdout));

            // A guest that takes another member's address sends nothing: the filter judges the tap as a cell's port.
            var spoof = Exec(Guest, string.Empty, "sh", "-c",
                "ip addr flush dev eth0 && ip addr add 10.77.0.9/24 dev eth0 && busybox ping -c 2 -W 2 10.77.0.2; r=$?; ip addr flush dev eth0; ip addr add 10.77.0.3/24 dev eth0; exit $r");
            Assert.NotEqual(0, spoof.Code);
            Assert.Equal(0, Exec(Guest, string.Empty, "busybox", "ping", "-c", "1", "-W", "5", "cloop.rf").Code);

            // A leftover tap of no subOS (a killed create) goes at the next reconcile; the guest's stays.
            var leftover = LoopNetwork.TapLink("gone");
            Run("ip", "-n", _host.Loop.Namespace, "tuntap", "add", "dev", leftover, "mode", "tap");
            var repairs = _host.Supervisor.Reconcile();
            Assert.Contains(repairs, r => r.Contains(leftover, StringComparison.Ordinal) && r.Contains("removed", StringComparison.Ordinal));
            Assert.DoesNotContain(_host.Loop.Links(), l => l.Name == leftover);
            Assert.Contains(_host.Loop.Links(), l => l.Name == tap);
            Assert.Empty(_host.Supervisor.Reconcile());

            // Destroy: the tap is gone with the guest, the cell keeps the segment; then the segment goes too.
            _host.Supervisor.Destroy(Guest);
            Assert.DoesNotContain(_host.Loop.Links(), l => l.Name == tap);
            Assert.True(_host.Loop.Exists);
            _host.Supervisor.Destroy(Cell);
            Assert.False(_host.Loop.Exists);
        }
        finally
        {
            if (File.Exists(Path.Combine(dir, "console.log")))
            {
                Console.Error.WriteLine(File.ReadAllText(Path.Combine(dir, "console.log")));
            }
        }
    }

    [Fact]
    public void TapLink_IsPrefixedAndFitsAnInterfaceName()
    {
        var tap = LoopNetwork.TapLink("a-rather-long-subos-name");

        Assert.Matches("^rf-t[0-9a-f]{10}$", tap);
        Assert.NotEqual(LoopNetwork.OuterLink("a-rather-long-subos-name"), tap);
    }

    private (int Code, string Stdout, string Stderr) Exec(string name, string stdin, params string[] argv)
    {
        var endpoint = _host.Supervisor.AgentEndpoint(name);
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        using var output = new MemoryStream();
        using var error = new MemoryStream();
        var code = StreamExecClient.Run(endpoint.Path, argv, stdin: input, stdout: output, stderr: error, tty: false);
        return (code, Encoding.UTF8.GetString(output.ToArray()), Encoding.UTF8.GetString(error.ToArray()));
    }

    private static void Run(string tool, params string[] args)
    {
        using var process = Process.Start(tool, args);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    [GeneratedRegex(@"round-trip min/avg/max = [0-9./]+ ms")]
    private static partial Regex RoundTrip();
}
