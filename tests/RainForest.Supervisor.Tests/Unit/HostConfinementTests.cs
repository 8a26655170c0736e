using System.Diagnostics;
using System.Globalization;
using RainForest.Core;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Fixtures;
using RainForest.Supervisor.Host;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>
/// --confine-host against a fixture kernel: a fake /proc with two real processes this test starts, a kernel
/// thread and a subOS task, fake IRQs and workqueue mask, and v1 cgroups in the same temp tree, whose files
/// behave like the kernel's (a pid written to cgroup.procs moves the task; an affinity must be a cpulist).
/// The confinement only ever sees the fixture: nothing here writes to /proc, /sys or a real cgroup.
/// </summary>
public sealed class HostConfinementTests : IDisposable
{
    private const string Prefix = "rf-test";

    // Above the kernel's PID_MAX_LIMIT (4194304): no real process has these pids.
    private const int KernelThreadPid = 4194400;
    private const int SubOsTaskPid = 4194401;
    private const int VanishedPid = 4194402;

    private readonly TempDirectory _root = new();
    private readonly FixtureKernel _kernel;
    private readonly TestLedger _file = new();
    private readonly TestSleepers _sleepers = new();
    private readonly ResourceLedger _ledger;
    private readonly CgroupDriver _cgroups;

    public HostConfinementTests()
    {
        _ledger = _file.Open();

        // A hybrid host: v1 hierarchies, and a cgroup2 mount with no controller.
        _kernel = new FixtureKernel(_root.Root);
        foreach (var controller in new[] { "cpuset", "memory", "pids" })
        {
            _kernel.MountCgroup("/sys/fs/cgroup/" + controller, controller);
        }

        _kernel.MountCgroup2("/sys/fs/cgroup/unified", string.Empty);
        var userSlice = _root.PathTo("sys/fs/cgroup/cpuset/user.slice");
        _kernel.CreateDirectory(userSlice);
        _kernel.Write(Path.Combine(userSlice, "cpuset.mems"), "0");
        _kernel.Write(Path.Combine(userSlice, "cpuset.cpus"), "0-3");
        _cgroups = CgroupDriver.For(_kernel, CgroupLayout.Detect(_kernel), Prefix);

        // Two user processes: their real stat, and cgroup files saying where they are now.
        SleeperA = StartSleeper("3:cpuset:/\n4:memory:/user.slice\n0::/user.slice\n");
        SleeperB = StartSleeper("3:cpuset:/user.slice\n4:memory:/user.slice\n0::/user.slice\n");

        // kthreadd's flags (0x208040) carry PF_KTHREAD.
        _root.Write($"proc/{KernelThreadPid}/stat", $"{KernelThreadPid} (kworker/0:1-events) I 2 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 25 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 0 0 0 0 0 0\n");
        _root.Write($"proc/{KernelThreadPid}/cgroup", "3:cpuset:/\n0::/\n");

        // A subOS's task (user flags 0x400100): it stays in its subOS.
        _root.Write($"proc/{SubOsTaskPid}/stat", $"{SubOsTaskPid} (a (tricky) name) S 1 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 500 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n");
        _root.Write($"proc/{SubOsTaskPid}/cgroup", $"3:cpuset:/{Prefix}/web\n0::/\n");

        // A process that exited while /proc was walked: its directory is empty.
        Directory.CreateDirectory(_root.PathTo($"proc/{VanishedPid}"));

        _root.Write("proc/irq/0/smp_affinity_list", "0-3\n");
        _root.Write("proc/irq/9/smp_affinity_list", "0-3\n");
        _root.Write("proc/irq/24/smp_affinity_list", "2\n");
        _root.Write("proc/irq/25/smp_affinity_list", "0\n");
        Directory.CreateDirectory(_root.PathTo("proc/irq/26"));
        _root.Write("proc/irq/default_smp_affinity", "f\n");
        _root.Write("sys/devices/virtual/workqueue/cpumask", "f\n");
    }

    private int SleeperA { get; }

    private int SleeperB { get; }

    private string SupervisorProcs => _root.PathTo($"sys/fs/cgroup/cpuset/{Prefix}/supervisor/cgroup.procs");

    private int StartSleeper(string cgroup)
    {
        var process = _sleepers.Start();
        var pid = process.Id.ToString(CultureInfo.InvariantCulture);
        _root.Write($"proc/{pid}/stat", File.ReadAllText($"/proc/{pid}/stat"));
        _root.Write($"proc/{pid}/cgroup", cgroup);
        return process.Id;
    }

    private HostConfinement.Result Confine(string supervisorCpus = "0")
    {
        var confinement = new HostConfinement(_kernel, _cgroups, _ledger);
        using (_ledger.BeginWrite())
        {
            var result = confinement.Confine(CpuSet.Parse(supervisorCpus), CpuSet.Parse("0-3"));
            _ledger.Commit();
            return result;
        }
    }

    private void Release()
    {
        var confinement = new HostConfinement(_kernel, _cgroups, _ledger);
        using (_ledger.BeginWrite())
        {
            confinement.Release();
            _ledger.Commit();
        }
    }

    /// <summary>Checks that a group holds exactly <paramref name="pids"/>, as its cgroup.procs lists them.</summary>
    private static void AssertTasks(string file, params int[] pids)
    {
        var listed = File.ReadAllLines(file).Where(l => l.Length > 0).Select(int.Parse).Order();
        Assert.Equal(pids.Order(), listed);
    }

    private int[] Tasks(string relative) =>
        [.. File.ReadAllLines(_root.PathTo(relative)).Where(l => l.Length > 0).Select(int.Parse)];

    [Fact]
    public void Confine_MovesUserTasksOnly()
    {
        var result = Confine();

        AssertTasks(SupervisorProcs, SleeperA, SleeperB);
        Assert.Equal(2, result.TasksMoved);
        Assert.Equal(0, result.TasksSkipped);
    }

    [Fact]
    public void Confine_MakesTheSupervisorGroupOnItsCpus()
    {
        Confine("0-1");

        Assert.Equal("0-3", _root.Read($"sys/fs/cgroup/cpuset/{Prefix}/cpuset.cpus"));
        Assert.Equal("0-1", _root.Read($"sys/fs/cgroup/cpuset/{Prefix}/supervisor/cpuset.cpus"));
        Assert.Equal("0", _root.Read($"sys/fs/cgroup/cpuset/{Prefix}/supervisor/cpuset.mems"));

        // The supervisor group has no memory limit: host tasks keep the memory they had.
        Assert.False(Directory.Exists(_root.PathTo($"sys/fs/cgroup/memory/{Prefix}/supervisor")));
    }

    [Fact]
    public void Confine_SteersEveryIrqAndTheWorkqueues()
    {
        var result = Confine();

        Assert.Equal("0", _root.Read("proc/irq/0/smp_affinity_list"));
        Assert.Equal("0", _root.Read("proc/irq/9/smp_affinity_list"));
        Assert.Equal("0", _root.Read("proc/irq/24/smp_affinity_list"));
        Assert.Equal("0", _root.Read("proc/irq/25/smp_affinity_list"));
        Assert.Equal("f", _root.Read("proc/irq/default_smp_affinity"));
        Assert.Equal("00000001", _root.Read("sys/devices/virtual/workqueue/cpumask"));
        Assert.Equal(3, result.IrqsSteered);
        Assert.Equal(0, result.IrqsSkipped);
    }

    [Fact]
    public void Confine_SavesEveryOldValueInTheLedger()
    {
        Confine();

        Assert.Equal(
            new[]
            {
                ("irq", "0", "0-3"),
                ("irq", "24", "2"),
                ("irq", "9", "0-3"),
                ("task", SleeperA.ToString(CultureInfo.InvariantCulture), "/"),
                ("task", SleeperB.ToString(CultureInfo.InvariantCulture), "/user.slice"),
                ("workqueue", "cpumask", "f"),
            }.OrderBy(s => s.Item1, StringComparer.Ordinal).ThenBy(s => s.Item2, StringComparer.Ordinal),
            _file.Open().SavedHostSettings().OrderBy(s => s.Kind, StringComparer.Ordinal).ThenBy(s => s.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Confine_ManagedIrq_KernelRefusesItAndTheRestAreSteered()
    {
        _kernel.ManagedIrqs.Add(24);

        var result = Confine();

        Assert.Equal(2, result.IrqsSteered);
        Assert.Equal(1, result.IrqsSkipped);
        Assert.Equal("2", _root.Read("proc/irq/24/smp_affinity_list"));
    }

    [Fact]
    public void Confine_CgroupV2Partitions_TheKernelKeepsHostTasksOffAndNoneIsMoved()
    {
        using var root = new TempDirectory();
        var kernel = new FixtureKernel(root.Root);
        var mount = kernel.MountCgroup2("/sys/fs/cgroup");
        root.Write("proc/irq/9/smp_affinity_list", "0-3\n");
        var cgroups = CgroupDriver.For(kernel, CgroupLayout.Detect(kernel), Prefix);
        using var ledger = _file.Open();

        HostConfinement.Result result;
        using (ledger.BeginWrite())
        {
            result = new HostConfinement(kernel, cgroups, ledger).Confine(CpuSet.Parse("0"), CpuSet.Parse("0-3"));
            ledger.Commit();
        }

        Assert.Equal(new HostConfinement.Result(0, 0, 1, 0), result);
        Assert.Equal("root", File.ReadAllText(Path.Combine(mount, Prefix, "cpuset.cpus.partition")));
        Assert.Equal("0", File.ReadAllText(Path.Combine(mount, "cpuset.cpus.effective")));
        Assert.Empty(cgroups.Children());
        Assert.Equal("0", root.Read("proc/irq/9/smp_affinity_list"));
    }

    [Fact]
    public void Confine_RolledBack_SavesNothing()
    {
        var confinement = new HostConfinement(_kernel, _cgroups, _ledger);
        using (_ledger.BeginWrite())
        {
            confinement.Confine(CpuSet.Parse("0"), CpuSet.Parse("0-3"));
        }

        Assert.Empty(_ledger.SavedHostSettings());
    }

    [Fact]
    public void Confine_NoReserve_RefusedBeforeTouchingAnything()
    {
        var confinement = new HostConfinement(_kernel, _cgroups, _ledger);
        using (_ledger.BeginWrite())
        {
            var e = Assert.Throws<RfException>(() => confinement.Confine(CpuSet.Empty, CpuSet.Parse("0-3")));
            Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        }

        Assert.False(Directory.Exists(_root.PathTo($"sys/fs/cgroup/cpuset/{Prefix}")));
        Assert.Equal("0-3", _root.Read("proc/irq/0/smp_affinity_list"));
        Assert.Equal("f", _root.Read("sys/devices/virtual/workqueue/cpumask"));
    }

    [Fact]
    public void Confine_IrqThatVanishes_IsSkipped()
    {
        // The file is listed but reading it fails, as when the IRQ is freed during the walk.
        File.CreateSymbolicLink(_root.PathTo("proc/irq/26/smp_affinity_list"), _root.PathTo("gone/smp_affinity_list"));

        var result = Confine();

        Assert.Equal(3, result.IrqsSteered);
        Assert.Equal(1, result.IrqsSkipped);
        Assert.DoesNotContain(_ledger.SavedHostSettings(), s => s.Key == "26");
    }

    [Fact]
    public void Confine_NoWorkqueueMaskOrIrqs_StillMovesTasks()
    {
        File.Delete(_root.PathTo("sys/devices/virtual/workqueue/cpumask"));
        Directory.Delete(_root.PathTo("proc/irq"), recursive: true);

        var result = Confine();

        Assert.Equal(new HostConfinement.Result(2, 0, 0, 0), result);
        Assert.DoesNotContain(_ledger.SavedHostSettings(), s => s.Kind == "workqueue");
    }

    [Fact]
    public void Confine_FailsAfterMovingTasks_EveryChangeIsUndoneOrRecorded()
    {
        // BUG: Confine moves tasks, then changes the workqueue mask, then IRQs, saving each old value in the
        // caller's write transaction. When a later step throws (here the workqueue mask cannot be read; on a
        // real host the kernel refuses the write with EINVAL under isolcpus, or EROFS in a container), the
        // caller rolls the transaction back: the saved values vanish, the moved tasks stay in the supervisor's
        // group, and nothing can restore them. Confine should undo what it changed before rethrowing.
        File.Delete(_root.PathTo("sys/devices/virtual/workqueue/cpumask"));
        File.CreateSymbolicLink(_root.PathTo("sys/devices/virtual/workqueue/cpumask"), _root.PathTo("gone/cpumask"));

        var error = Assert.Throws<RfException>(() => Confine());
        Assert.Contains("undone", error.Message, StringComparison.Ordinal);

        var saved = _ledger.SavedHostSettings();
        var movedBack = new Dictionary<int, string>
        {
            [SleeperA] = _root.PathTo("sys/fs/cgroup/cpuset/cgroup.procs"),
            [SleeperB] = _root.PathTo("sys/fs/cgroup/cpuset/user.slice/cgroup.procs"),
        };
        foreach (var (pid, home) in movedBack)
        {
            var key = pid.ToString(CultureInfo.InvariantCulture);
            var recorded = saved.Any(s => s.Kind == "task" && s.Key == key);
            var restored = File.Exists(home) && File.ReadAllText(home).Contains(key, StringComparison.Ordinal);
            Assert.True(recorded || restored, $"task {pid} was moved into the supervisor group, then neither moved back nor recorded");
        }
    }

    [Fact]
    public void Release_RestoresIrqsWorkqueuesAndTasks()
    {
        Confine();

        Release();

        Assert.Equal("0-3", _root.Read("proc/irq/0/smp_affinity_list"));
        Assert.Equal("0-3", _root.Read("proc/irq/9/smp_affinity_list"));
        Assert.Equal("2", _root.Read("proc/irq/24/smp_affinity_list"));
        Assert.Equal("0", _root.Read("proc/irq/25/smp_affinity_list"));
        Assert.Equal("f", _root.Read("sys/devices/virtual/workqueue/cpumask"));
        // Each task went back to its own group, and the supervisor's group is empty.
        Assert.Contains(SleeperA, Tasks("sys/fs/cgroup/cpuset/cgroup.procs"));
        Assert.DoesNotContain(SleeperB, Tasks("sys/fs/cgroup/cpuset/cgroup.procs"));
        AssertTasks(_root.PathTo("sys/fs/cgroup/cpuset/user.slice/cgroup.procs"), SleeperB);
        AssertTasks(SupervisorProcs);
        Assert.Contains("3:cpuset:/user.slice", _root.Read($"proc/{SleeperB}/cgroup"), StringComparison.Ordinal);
        Assert.Empty(_ledger.SavedHostSettings());
    }

    [Fact]
    public void Release_AfterConfiningTwice_RestoresTheOriginals()
    {
        Confine("0-1");
        Confine("0");

        Release();

        Assert.Equal("0-3", _root.Read("proc/irq/0/smp_affinity_list"));
        Assert.Equal("2", _root.Read("proc/irq/24/smp_affinity_list"));
        Assert.Equal("f", _root.Read("sys/devices/virtual/workqueue/cpumask"));
    }

    [Fact]
    public void Release_IrqGoneSinceConfine_RestoresTheRest()
    {
        Confine();
        Directory.Delete(_root.PathTo("proc/irq/9"), recursive: true);

        Release();

        Assert.Equal("0-3", _root.Read("proc/irq/0/smp_affinity_list"));
        Assert.False(Directory.Exists(_root.PathTo("proc/irq/9")));
        Assert.Empty(_ledger.SavedHostSettings());
    }

    [Theory]
    [InlineData("", "00000000")]
    [InlineData("0", "00000001")]
    [InlineData("0-3", "0000000f")]
    [InlineData("0,31", "80000001")]
    [InlineData("0-31", "ffffffff")]
    [InlineData("32", "00000001,00000000")]
    [InlineData("0-35", "0000000f,ffffffff")]
    [InlineData("0,6,12,18", "00041041")]
    [InlineData("0-63", "ffffffff,ffffffff")]
    [InlineData("64", "00000001,00000000,00000000")]
    public void HexMask_CpuSet_KernelMaskFormat(string cpus, string mask)
    {
        Assert.Equal(mask, HostConfinement.HexMask(CpuSet.Parse(cpus)));
    }

    public void Dispose()
    {
        _sleepers.Dispose();

        _file.Dispose();
        _root.Dispose();
    }
}
