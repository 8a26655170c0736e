using System.Diagnostics;
using System.Globalization;
using System.Text;
using RainForest.Channels;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Channels;
using RainForest.Supervisor.Kernels;
using RainForest.Vm.Qemu;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>
/// A FICM channel between a cell and a kernel subOS under TCG: the guest gets the channel as an ivshmem-plain device
/// (hot-plugged when the channel is made, on the command line when the guest boots again), its agent links the BAR at
/// /run/rainforest/channels/NAME, and rfcom carries messages both ways, each side asleep while it waits. Destroying the
/// channel unplugs the device and QEMU lets the file go; destroying both subOSes leaves nothing.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class KernelChannelTests : IDisposable
{
    private const string Guest = "kchan";
    private const string Cell = "cchan";
    private const string Rfcom = "/run/rainforest/bin/rfcom";
    private readonly CellHost _host = new();

    public void Dispose() => _host.Dispose();

    [GuestFact]
    public async Task Channel_CellAndGuest_MessagesBothWays_DestroyLeavesNothing()
    {
        _host.Create(Cell);
        var guest = _host.Supervisor.Create(new CreateOptions
        {
            Name = Guest,
            Cpus = CpuRequest.Parse("1", false),
            Memory = ByteSize.Parse("384M"),
            Backend = SubOsBackendKind.Kernel,
            Guest = new GuestSpec { Accelerator = QemuAccelerator.Tcg },
        });
        var dir = _host.State.SubOsDirectory(Guest);
        try
        {
            // Hot-plugged: the guest sees the device, its agent links it by the label in its header.
            _host.Supervisor.CreateChannel(new ChannelOptions { Name = "talk", Members = [Cell, Guest], Mode = FicmChannelMode.Unicast });
            var member = Path.Combine(_host.State.ChannelLinkDirectory(Guest), "talk");
            Assert.True(long.IsPow2(new FileInfo(member).Length), "the channel file is not padded to a power of two");
            Assert.Contains(member, File.ReadAllText($"/proc/{guest.AgentPid}/maps"), StringComparison.Ordinal);
            WaitInGuest("test -e /run/rainforest/channels/talk");
            Assert.Contains("resource2", Exec("readlink", "/run/rainforest/channels/talk").Stdout, StringComparison.Ordinal);
            Assert.Contains("talk", Exec(Rfcom, "ls").Stdout, StringComparison.Ordinal);

            // The unprivileged QEMU maps the channel through its own view of the channel root; every guard still holds.
            var audit = _host.Supervisor.Audit(Guest);
            Assert.True(audit.Passed, string.Join("\n", audit.Checks.Where(c => !c.Passed).Select(c => $"{c.Guard}: {c.Detail}")));

            // Cell to guest, the guest's reader asleep first (it polls: no futex wake reaches it).
            var clock = Stopwatch.StartNew();
            var receiving = Task.Run(() => Exec(Rfcom, "recv", "talk", "--timeout", "60"));
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(0, _host.Exec(Cell, "rfcom", "send", "talk", "ping", "from", "the", "cell").ExitCode);
            var received = await receiving;
            Assert.True(received.Code == 0, $"guest recv: {received.Code} {received.Stderr}");
            Assert.Equal("ping from the cell", received.Stdout.Trim());
            Console.Error.WriteLine($"cell -> guest in {clock.Elapsed.TotalSeconds:0.00} s, including a 3 s head start");

            // Guest to cell, the cell's reader asleep on the futex, which the guest's commit never wakes: it polls too.
            var cellReceiving = Task.Run(() => _host.Exec(Cell, "rfcom", "recv", "talk", "--timeout", "60"));
            await Task.Delay(TimeSpan.FromSeconds(1));
            var sent = Exec(Rfcom, "send", "talk", "pong", "from", "the", "guest");
            Assert.True(sent.Code == 0, $"guest send: {sent.Stderr}");
            var back = await cellReceiving;
            Assert.Equal(0, back.ExitCode);
            Assert.Equal("pong from the guest", back.Stdout.Trim());

            // The guest's QEMU killed and booted again: the channel comes back on its command line.
            ProcessInfo.Kill(guest.AgentPid);
            WaitUntil(() => !ProcessInfo.IsAlive(guest.AgentPid, guest.AgentStart), TimeSpan.FromSeconds(10));
            _host.Supervisor.Reconcile();
            var restarted = _host.Supervisor.Start(Guest);
            Assert.Contains($"ivshmem-plain,id={KernelBackend.DeviceId("talk")}", File.ReadAllText($"/proc/{restarted.AgentPid}/cmdline").Replace('\0', ' '), StringComparison.Ordinal);
            WaitInGuest("test -e /run/rainforest/channels/talk");
            Assert.Equal(0, _host.Exec(Cell, "rfcom", "send", "talk", "again").ExitCode);
            Assert.Equal("again", Exec(Rfcom, "recv", "talk", "--timeout", "60").Stdout.Trim());

            // Destroy the channel: the device is unplugged, QEMU maps the file no more, the guest's link goes.
            _host.Supervisor.DestroyChannel("talk");
            // QEMU frees a removed memory object's RAM block after an RCU grace period: soon, not at once.
            WaitUntil(() => !File.ReadAllText($"/proc/{restarted.AgentPid}/maps").Contains("/talk", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
            WaitInGuest("test ! -e /run/rainforest/channels/talk");

            _host.Supervisor.Destroy(Guest);
            _host.Supervisor.Destroy(Cell);
            Assert.False(ProcessInfo.IsAlive(restarted.AgentPid, restarted.AgentStart), "QEMU still runs after destroy");
            Assert.False(Directory.Exists(_host.State.ChannelRoot), $"{_host.State.ChannelRoot} remains");
            Assert.False(Directory.Exists(dir), $"{dir} remains");
            Assert.Empty(_host.Supervisor.List());
        }
        finally
        {
            if (File.Exists(Path.Combine(dir, "console.log")))
            {
                Console.Error.WriteLine(File.ReadAllText(Path.Combine(dir, "console.log")));
            }
        }
    }

    private (int Code, string Stdout, string Stderr) Exec(params string[] argv)
    {
        using var input = new MemoryStream();
        using var output = new MemoryStream();
        using var error = new MemoryStream();
        var code = StreamExecClient.Run(_host.Supervisor.AgentEndpoint(Guest).Path, argv, stdin: input, stdout: output, stderr: error, tty: false);
        return (code, Encoding.UTF8.GetString(output.ToArray()), Encoding.UTF8.GetString(error.ToArray()));
    }

    private void WaitInGuest(string condition)
    {
        // ACPI hot-plug and the agent's next look take a while under TCG.
        var clock = Stopwatch.StartNew();
        while (Exec("sh", "-c", condition).Code != 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"inside the guest, '{condition}' never held");
            Thread.Sleep(250);
        }

        Console.Error.WriteLine($"'{condition}' held after {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
    }

    private static void WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, "timed out");
            Thread.Sleep(20);
        }
    }
}
