using System.Globalization;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux;
using RainForest.Supervisor.Host;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>
/// A subOS sees its own machine through the supervisor's lxcfs (real kernel, as root, lxcfs installed as in CI):
/// free, /proc/cpuinfo and /sys/devices/system/cpu/online follow its memory and cpuset, also after a resize, and
/// reconcile restarts a killed lxcfs and mends the running subOSes' views. Each test has its own supervisor,
/// prefix and lxcfs; unprivileged and privileged subOSes alike.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class LxcfsTests
{
    private const string FreeAndCpus = "free -m | awk '/^Mem:/ { print $2 }'; grep -c ^processor /proc/cpuinfo; cat /sys/devices/system/cpu/online";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Create_OneCpu256M_FreeTotals256AndCpuinfoListsOneProcessor(bool privileged)
    {
        using var host = new CellHost();
        var record = Create(host, "view", privileged);

        var (memory, processors, online) = View(host, "view");

        Assert.Equal(256, memory);
        Assert.Equal(1, processors);
        Assert.Equal(record.Cpus.ToString(), online);
        Assert.True(UptimeSeconds(host.Exec("view", "cat", "/proc/uptime").Stdout) < UptimeSeconds(File.ReadAllText("/proc/uptime")),
            "uptime inside counts from the subOS's start, not the host's boot");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Resize_CpusAndMemory_ViewFollowsWithinASecond(bool privileged)
    {
        using var host = new CellHost();
        Create(host, "grow", privileged);

        host.Supervisor.Resize("grow", CpuRequest.Parse("+1", true), ByteSize.Parse("512M"));
        var resized = host.Supervisor.Show("grow").Record.Cpus;

        // lxcfs renders every read from the cgroups: the first read after the resize should already show it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        var seen = View(host, "grow");
        while (seen != (512L, 2, resized.ToString()) && DateTime.UtcNow < deadline)
        {
            seen = View(host, "grow");
        }

        Assert.Equal((512L, 2, resized.ToString()), seen);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reconcile_LxcfsKilled_RestartsItAndMendsTheRunningSubOsView(bool privileged)
    {
        using var host = new CellHost();
        Create(host, "mend", privileged);
        var lxcfs = Service(host);
        var killed = OwnLxcfs(lxcfs);

        // Only the lxcfs this test's supervisor started: its pidfile names it, and its command line its own mount.
        ProcessInfo.Kill(killed);
        Assert.True(SpinWait.SpinUntil(() => !ProcessInfo.IsAlive(killed), TimeSpan.FromSeconds(10)));
        Assert.NotEqual(0, host.Exec("mend", "cat", "/proc/meminfo").ExitCode);

        var repairs = host.Supervisor.Reconcile();

        var restarted = OwnLxcfs(lxcfs);
        Assert.NotEqual(killed, restarted);
        Assert.Contains(repairs, r => r.StartsWith($"lxcfs (pid {killed}) had died; its mount {lxcfs.MountPoint} was disconnected (ENOTCONN) and was unmounted; restarted (pid {restarted})", StringComparison.Ordinal));
        Assert.Contains(repairs, r => r.StartsWith("subOS 'mend': its /proc and /sys view pointed at the dead lxcfs; replaced 8 file(s)", StringComparison.Ordinal));
        var mended = View(host, "mend");
        Assert.Equal((256L, 1), (mended.Memory, mended.Processors));
        Assert.Empty(host.Supervisor.Reconcile());
        Assert.Contains(host.Supervisor.Journal(), e => e.Operation == "repair" && e.Target == "lxcfs");
    }

    [Fact]
    public void Reconcile_LxcfsHangs_KilledRestartedAndTheViewMended()
    {
        using var host = new CellHost();
        Create(host, "stuck", privileged: false);
        var lxcfs = Service(host);
        var hung = OwnLxcfs(lxcfs);

        // A stopped server answers nothing: every read of its files blocks, as with a deadlocked lxcfs.
        ProcessInfo.Signal(hung, 19);
        var repairs = host.Supervisor.Reconcile();

        Assert.False(ProcessInfo.IsAlive(hung));
        var restarted = OwnLxcfs(lxcfs);
        Assert.Contains($"lxcfs (pid {hung}) did not answer within 5 s and was killed; its mount {lxcfs.MountPoint} was unmounted; restarted (pid {restarted})", repairs);
        Assert.Contains(repairs, r => r.StartsWith("subOS 'stuck': its /proc and /sys view pointed at the dead lxcfs", StringComparison.Ordinal));
        var view = View(host, "stuck");
        Assert.Equal((256L, 1), (view.Memory, view.Processors));
    }

    [Fact]
    public void Create_AfterLxcfsRestart_NewSubOsSeesItsOwnView()
    {
        using var host = new CellHost();
        var lxcfs = Service(host);
        var killed = OwnLxcfs(lxcfs);
        ProcessInfo.Kill(killed);
        Assert.True(SpinWait.SpinUntil(() => !ProcessInfo.IsAlive(killed), TimeSpan.FromSeconds(10)));

        // No reconcile in between: the create finds lxcfs dead and starts it itself.
        Create(host, "late", privileged: false);

        Assert.NotEqual(killed, OwnLxcfs(lxcfs));
        var late = View(host, "late");
        Assert.Equal((256L, 1), (late.Memory, late.Processors));
    }

    [Fact]
    public void Deinit_StopsLxcfsAndRemovesItsMountAndDirectory()
    {
        var host = new CellHost();
        var lxcfs = Service(host);
        var pid = OwnLxcfs(lxcfs);
        try
        {
            Create(host, "gone", privileged: false);

            host.Supervisor.Deinit(force: true);

            Assert.True(SpinWait.SpinUntil(() => !ProcessInfo.IsAlive(pid), TimeSpan.FromSeconds(5)));
            Assert.False(MountTable.Read(Environment.ProcessId).IsMountPoint(lxcfs.MountPoint));
            Assert.False(Directory.Exists(lxcfs.Root));
        }
        finally
        {
            host.Dispose();
        }
    }

    [Theory]
    [InlineData("/nonexistent/lxcfs", "lxcfs is not installed (/nonexistent/lxcfs does not exist): plain sees the host's /proc/meminfo and cpuinfo (apt-get install lxcfs)")]
    [InlineData("/bin/false", "lxcfs did not start (it exited with code 1: no output; see /run/PREFIX-lxcfs/lxcfs.log): plain sees the host's /proc/meminfo and cpuinfo")]
    public void Create_LxcfsMissingOrFailing_OneNoteAndTheHostsView(string program, string note)
    {
        var previous = Environment.GetEnvironmentVariable(LxcfsService.BinaryVariable);
        Environment.SetEnvironmentVariable(LxcfsService.BinaryVariable, program);
        CellHost host;
        try
        {
            host = new CellHost();
        }
        finally
        {
            Environment.SetEnvironmentVariable(LxcfsService.BinaryVariable, previous);
        }

        using (host)
        {
            var (oldError, stderr) = (Console.Error, new StringWriter());
            Console.SetError(stderr);
            try
            {
                Create(host, "plain", privileged: false);
            }
            finally
            {
                Console.SetError(oldError);
            }

            Assert.Equal("rfm: note: " + note.Replace("PREFIX", host.State.Prefix, StringComparison.Ordinal), stderr.ToString().TrimEnd('\n'));
            var hostMemTotalKiB = long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            var (memory, _, _) = View(host, "plain");
            Assert.Equal(hostMemTotalKiB / 1024, memory);
            Assert.Equal(0, host.Exec("plain", "true").ExitCode);
        }
    }

    private static Ledger.SubOsRecord Create(CellHost host, string name, bool privileged) =>
        host.Supervisor.Create(new CreateOptions { Name = name, Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("256M"), Privileged = privileged });

    /// <summary>What the subOS sees: free's total in MiB, the processors cpuinfo lists, the online CPUs.</summary>
    private static (long Memory, int Processors, string Online) View(CellHost host, string name)
    {
        var (code, output) = host.Exec(name, "sh", "-c", FreeAndCpus);
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(lines[0], CultureInfo.InvariantCulture), int.Parse(lines[1], CultureInfo.InvariantCulture), lines[2].Trim());
    }

    /// <summary>The same paths the supervisor's service uses (the service itself is internal to the supervisor).</summary>
    private static LxcfsService Service(CellHost host) =>
        new(host.State.Prefix, new Linux.Guard.PrefixGuard([LxcfsService.RootOf(host.State.Prefix)], host.State.Prefix), null, perSubOsLoadavg: false);

    /// <summary>The pid of this supervisor's lxcfs, from its pidfile, checked to be lxcfs serving this supervisor's mount point.</summary>
    private static int OwnLxcfs(LxcfsService lxcfs)
    {
        var pid = int.Parse(File.ReadAllText(lxcfs.PidFile).Trim(), CultureInfo.InvariantCulture);
        var argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
        Assert.Equal("lxcfs", Path.GetFileName(argv[0]));
        Assert.Contains(lxcfs.MountPoint, argv);
        return pid;
    }

    private static double UptimeSeconds(string text) => double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
}
