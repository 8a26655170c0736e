using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux.Cgroups;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>The driver suite on a unified v2 tree offering every controller a current kernel has.</summary>
public sealed class CgroupV2DriverTests : CgroupDriverTests
{
    public CgroupV2DriverTests()
        : base(Build)
    {
    }

    private static CgroupLayout Build(TempTree tree)
    {
        tree.Write("cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
        tree.Write("cgroup/cgroup.subtree_control", "cpu io\n");
        return new CgroupLayout(CgroupMode.V2, new Dictionary<string, string>(), tree.PathTo("cgroup"));
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

        // The prefix group's cpuset stays empty: v2 reads that as all of the parent's.
        Assert.False(File.Exists(Tree.PathTo("cgroup/rf-test/cpuset.cpus")));
    }

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
        File.Delete(Tree.PathTo("cgroup/cgroup.subtree_control"));

        Driver.EnsureParent(CpuSet.Parse("0-1"), "0");

        Assert.Equal(Words("cpuset memory"), Words(Tree.Read("cgroup/cgroup.subtree_control")));
        Assert.Equal(Words("cpuset memory"), Words(Tree.Read("cgroup/rf-test/cgroup.subtree_control")));
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
        Assert.False(File.Exists(Tree.PathTo("cgroup/rf-test/supervisor/memory.swap.max")));
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
    public void Create_FixtureTree_WritesTheProgramsRulesInstead()
    {
        CreateGroup();

        Assert.Equal(DevicePolicy.Minimal.Select(r => r.ToString()), File.ReadAllLines(Tree.PathTo("cgroup/rf-test/web/rf.devices")));
    }

    [Fact]
    public void DeviceRules_FixtureTree_DescribesTheProgram()
    {
        CreateGroup();

        Assert.Equal(
            "1 device program attached (allows c 1:3 rwm, c 1:5 rwm, c 1:7 rwm, c 1:8 rwm, c 1:9 rwm, c 5:0 rwm, c 5:2 rwm, c 136:* rwm)",
            Driver.DeviceRules("web"));
    }

    [Fact]
    public void DeviceRules_NoProgram_Null()
    {
        Driver.EnsureParent(CpuSet.Parse("0-1"), "0");
        Driver.CreateCpusetOnly("supervisor", CpuSet.Parse("0"), "0");

        Assert.Null(Driver.DeviceRules("supervisor"));
        Assert.Null(Driver.DeviceRules("missing"));
    }

    private void CreateGroup()
    {
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");
        Driver.Create("web", CpuSet.Parse("1-2"), "0", ByteSize.Parse("1G"));
    }
}
