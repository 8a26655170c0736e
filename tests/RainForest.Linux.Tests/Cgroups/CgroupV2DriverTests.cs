using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Fixtures;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>
/// The driver suite on a unified v2 hierarchy offering every controller a current kernel has, run once on a kernel
/// with cpuset partitions and once on one without (see the subclasses); partition moves have their own tests.
/// </summary>
public abstract class CgroupV2DriverTests : CgroupDriverTests
{
    private protected CgroupV2DriverTests(PartitionSupport partitions)
        : base(root => new FixtureKernel(root) { Cpus = CpuSet.Parse("0-7"), Partitions = partitions }, Build)
    {
    }

    private static CgroupLayout Build(FixtureKernel kernel)
    {
        var mount = kernel.MountCgroup2("/cgroup");

        // Controllers the host enabled before: the driver adds its own beside them.
        File.WriteAllText(Path.Combine(mount, "cgroup.subtree_control"), "cpu io");
        return new CgroupLayout(CgroupMode.V2, new Dictionary<string, string>(), mount);
    }

    private static HashSet<string> Words(string? text) => [.. (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    protected override string CpusetDir(string? name) => name is null ? Tree.PathTo("cgroup/rf-test") : Tree.PathTo(Path.Combine("cgroup/rf-test", name));

    protected override string MemoryDir(string name) => CpusetDir(name);

    protected override string UsageFile => "memory.current";

    protected override string LimitFile => "memory.max";

    protected override IReadOnlyList<string> ExpectedProcsFiles(string name) => [Path.Combine(CpusetDir(name), "cgroup.procs")];

    protected override void AssertParentReady(CpuSet cpus, string mems)
    {
        Assert.Equal([Tree.PathTo("cgroup/rf-test")], Driver.ParentDirectories());

        // The root keeps what it had and gains the three controllers; the prefix enables them for its children.
        Assert.Equal(Words("cpu io cpuset memory pids"), Words(Tree.Read("cgroup/cgroup.subtree_control")));
        Assert.Equal(Words("cpuset memory pids"), Words(Tree.Read("cgroup/rf-test/cgroup.subtree_control")));
        Assert.Equal(5, Tree.Read("cgroup/cgroup.subtree_control")!.Split(' ').Length);
        AssertPrefixCpuset(cpus);
    }

    /// <summary>Checks the prefix group's cpuset after <see cref="CgroupDriver.EnsureParent"/> with <paramref name="cpus"/>.</summary>
    protected abstract void AssertPrefixCpuset(CpuSet cpus);

    protected override void AssertMemory(string name, ByteSize memory)
    {
        var bytes = memory.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(bytes, File.ReadAllText(Path.Combine(MemoryDir(name), "memory.max")));
        Assert.Equal(bytes, File.ReadAllText(Path.Combine(MemoryDir(name), "memory.low")));
        Assert.Equal("0", File.ReadAllText(Path.Combine(MemoryDir(name), "memory.swap.max")));
    }

    [Fact]
    public void TryShrinkMemory_UsageAboveTheSize_AsksTheKernelToReclaimTheExcessAndChangesNothing()
    {
        CreateWeb();
        var dir = MemoryDir("web");
        File.WriteAllText(Path.Combine(dir, "memory.current"), (706L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(dir, "memory.reclaim"), string.Empty);

        var shrunk = Driver.TryShrinkMemory("web", ByteSize.Parse("512M"), TimeSpan.FromMilliseconds(50));

        Assert.False(shrunk);
        Assert.Equal((194L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(dir, "memory.reclaim")));
        AssertMemory("web", ByteSize.Parse("1G"));
    }

    [Fact]
    public void TryShrinkMemory_KernelWithoutMemoryReclaim_WaitsTheBudgetAndChangesNothing()
    {
        CreateWeb();
        var dir = MemoryDir("web");
        File.WriteAllText(Path.Combine(dir, "memory.current"), (706L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.False(Driver.TryShrinkMemory("web", ByteSize.Parse("512M"), TimeSpan.FromMilliseconds(50)));

        Assert.False(File.Exists(Path.Combine(dir, "memory.reclaim")));
        AssertMemory("web", ByteSize.Parse("1G"));
    }

    [Fact]
    public void EnsureParent_NoPidsController_EnablesCpusetAndMemoryOnly()
    {
        Tree.Write("cgroup/cgroup.controllers", "cpuset cpu io memory\n");
        Tree.Write("cgroup/cgroup.subtree_control", string.Empty);

        Driver.EnsureParent(CpuSet.Parse("0-1"), "0");

        Assert.Equal(Words("cpuset memory"), Words(Tree.Read("cgroup/cgroup.subtree_control")));
        Assert.Equal(Words("cpuset memory"), Words(Tree.Read("cgroup/rf-test/cgroup.subtree_control")));
    }

    [Fact]
    public void SetPids_NoPidsController_FalseAndNothingWritten()
    {
        Tree.Write("cgroup/cgroup.controllers", "cpuset cpu io memory\n");
        CreateGroup();

        Assert.False(Driver.SetPids("web", 100));
        Assert.Null(Driver.ReadPidsLimit("web"));
        Assert.False(File.Exists(Tree.PathTo("cgroup/rf-test/web/pids.max")));
    }

    [Fact]
    public void SetMemory_Shrink_WritesLowBeforeMax()
    {
        CreateGroup();
        Tree.Break("cgroup/rf-test/web/memory.low");

        Assert.Throws<LinuxException>(() => Driver.SetMemory("web", ByteSize.Parse("512M")));

        // Had max gone first, it would already be below low: the old limit shows low was first.
        Assert.Equal(ByteSize.GiB.ToString(System.Globalization.CultureInfo.InvariantCulture), Tree.Read("cgroup/rf-test/web/memory.max"));
    }

    [Fact]
    public void SetMemory_Grow_WritesMaxBeforeLow()
    {
        CreateGroup();
        Tree.Break("cgroup/rf-test/web/memory.low");

        Assert.Throws<LinuxException>(() => Driver.SetMemory("web", ByteSize.Parse("2G")));

        Assert.Equal((2 * ByteSize.GiB).ToString(System.Globalization.CultureInfo.InvariantCulture), Tree.Read("cgroup/rf-test/web/memory.max"));
    }

    [Fact]
    public void Exists_GroupDirectory_IsTheOnlyCondition()
    {
        Driver.EnsureParent(CpuSet.Parse("0-1"), "0");
        Driver.CreateCpusetOnly("supervisor", CpuSet.Parse("0"), "0");

        Assert.True(Driver.Exists("supervisor"));

        // The kernel gave it swap, as every memory group: nothing limited it.
        Assert.Equal("max", Tree.Read("cgroup/rf-test/supervisor/memory.swap.max"));
    }

    [Fact]
    public void Create_NoSwapAccounting_NoSwapLimitNeeded()
    {
        using var tree = new TempTree();
        var kernel = new FixtureKernel(tree.Root) { Cpus = CpuSet.Parse("0-7"), SwapAccounting = false };
        var driver = CgroupDriver.For(kernel, Build(kernel), Prefix);
        driver.EnsureParent(CpuSet.Parse("0-3"), "0");

        driver.Create("web", CpuSet.Parse("1"), "0", ByteSize.Parse("64M"));

        Assert.False(File.Exists(tree.PathTo("cgroup/rf-test/web/memory.swap.max")));
        Assert.Equal(ByteSize.Parse("64M"), driver.Read("web").MemoryLimit);
    }

    [Fact]
    public void EnsureParent_DevicesListedAsController_NeverEnablesIt()
    {
        // No kernel lists devices in cgroup.controllers; a fixture that does must still not get it enabled.
        Tree.Write("cgroup/cgroup.controllers", "cpuset memory pids devices\n");

        Driver.EnsureParent(CpuSet.Parse("0-1"), "0");

        Assert.DoesNotContain("devices", Words(Tree.Read("cgroup/cgroup.subtree_control")));
        Assert.DoesNotContain("devices", Words(Tree.Read("cgroup/rf-test/cgroup.subtree_control")));
    }

    [Fact]
    public void Create_AttachesTheMinimalDeviceProgram()
    {
        CreateGroup();

        Assert.Equal([DevicePolicy.Minimal], Kernel.DeviceProgramRules(Tree.PathTo("cgroup/rf-test/web")));
        Assert.DoesNotContain(Warnings, w => w.Contains("device", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_AgainOnAHalfMadeGroup_OneProgramOnly()
    {
        CreateGroup();

        Driver.Create("web", CpuSet.Parse("1-2"), "0", ByteSize.Parse("1G"));

        Assert.Single(Kernel.DeviceProgramRules(Tree.PathTo("cgroup/rf-test/web")));
    }

    [Fact]
    public void Create_KernelRefusesDevicePrograms_WarnsAndGoesOn()
    {
        Kernel.DeviceProgramsAllowed = false;

        CreateGroup();

        Assert.True(Driver.Exists("web"));
        Assert.Contains(Warnings, w => w.Contains("subOS 'web' has no device rules", StringComparison.Ordinal));
    }

    [Fact]
    public void DeviceRules_MinimalProgram_DescribesIt()
    {
        CreateGroup();

        Assert.Equal(
            "1 device program attached (allows c 1:3 rwm, c 1:5 rwm, c 1:7 rwm, c 1:8 rwm, c 1:9 rwm, c 5:0 rwm, c 5:2 rwm, c 136:* rwm)",
            Driver.DeviceRules("web"));
    }

    [Fact]
    public void DeviceRules_ForeignProgram_NamedAsNotOurs()
    {
        CreateGroup();
        Kernel.AttachDeviceProgram(Tree.PathTo("cgroup/rf-test/web"), [.. DevicePolicy.Minimal.Take(1)]);

        var rules = Driver.DeviceRules("web");

        Assert.StartsWith("2 device programs attached (allows c 1:3 rwm", rules, StringComparison.Ordinal);
        Assert.Contains($"{DeviceProgram.Name}, tag ", rules, StringComparison.Ordinal);
        Assert.Contains("not RainForest's minimal policy", rules, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowDevice_Kvm_ReplacesTheMinimalProgramWithOneThatAlsoAllowsKvm()
    {
        CreateGroup();

        Driver.AllowDevice("web", DevicePolicy.Kvm);

        var programs = Kernel.DeviceProgramRules(Tree.PathTo("cgroup/rf-test/web"));
        Assert.Equal([[.. DevicePolicy.Minimal, DevicePolicy.Kvm]], programs);

        // The program the kernel would run: /dev/kvm read and write, nothing else beyond the minimal /dev.
        var program = DeviceProgram.Generate(programs[0]);
        const uint Char = 2, Mknod = 1, Read = 2, Write = 4;
        Assert.Equal(1, DeviceProgramInterpreter.Run(program, ((Read | Write) << 16) | Char, 10, 232));
        Assert.Equal(0, DeviceProgramInterpreter.Run(program, (Mknod << 16) | Char, 10, 232));
        Assert.Equal(0, DeviceProgramInterpreter.Run(program, (Read << 16) | Char, 10, 229));
        Assert.Equal(0, DeviceProgramInterpreter.Run(program, (Read << 16) | Char, 1, 1));
        Assert.Equal(1, DeviceProgramInterpreter.Run(program, (Read << 16) | Char, 1, 3));
        Assert.Equal(
            $"1 device program attached (allows {string.Join(", ", DevicePolicy.Minimal)}, c 10:232 rw)",
            Driver.DeviceRules("web"));
    }

    [Fact]
    public void AllowDevice_Twice_OneProgramOnly()
    {
        CreateGroup();

        Driver.AllowDevice("web", DevicePolicy.Kvm);
        Driver.AllowDevice("web", DevicePolicy.Kvm);

        Assert.Single(Kernel.DeviceProgramRules(Tree.PathTo("cgroup/rf-test/web")));
    }

    [Fact]
    public void AllowDevice_KernelRefusesDevicePrograms_GoesOn()
    {
        Kernel.DeviceProgramsAllowed = false;
        CreateGroup();

        Driver.AllowDevice("web", DevicePolicy.Kvm);

        Assert.True(Driver.Exists("web"));
    }

    [Fact]
    public void DeviceRules_NoProgram_Null()
    {
        Driver.EnsureParent(CpuSet.Parse("0-1"), "0");
        Driver.CreateCpusetOnly("supervisor", CpuSet.Parse("0"), "0");

        Assert.Null(Driver.DeviceRules("supervisor"));
        Assert.Null(Driver.DeviceRules("missing"));
    }

    [Fact]
    public void Remove_CgroupKill_KillsTheSubtreeAtOnce()
    {
        CreateGroup();
        using var sleeper = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        Kernel.Write(Tree.PathTo("cgroup/rf-test/web/cgroup.procs"), sleeper.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Driver.KillAll("web");

        Assert.True(sleeper.WaitForExit(TimeSpan.FromSeconds(10)), "cgroup.kill did not kill the task");
        Assert.Empty(Driver.Pids("web"));
        Driver.Remove("web", TimeSpan.FromSeconds(5));
        Assert.False(Driver.Exists("web"));
    }

    [Fact]
    public void MoveTask_IntoThePrefixGroup_KernelRefusesAnInternalProcess()
    {
        // v2's no-internal-process rule, which is why the supervisor's prefix group holds only groups.
        CreateGroup();
        using var sleeper = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            var e = Assert.Throws<LinuxException>(() => Kernel.Write(Tree.PathTo("cgroup/rf-test/cgroup.procs"), sleeper.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(16, e.Errno);
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }
    }

    private protected void CreateGroup()
    {
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");
        Driver.Create("web", CpuSet.Parse("1-2"), "0", ByteSize.Parse("1G"));
    }
}
