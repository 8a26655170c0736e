using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Fixtures;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>The driver suite on v1 hierarchies: cpuset, memory and pids side by side.</summary>
public sealed class CgroupV1DriverTests : CgroupDriverTests
{
    public CgroupV1DriverTests()
        : base(root => new FixtureKernel(root) { Cpus = CpuSet.Parse("0-7") }, Build)
    {
    }

    private static CgroupLayout Build(FixtureKernel kernel) => Mount(kernel, "cpuset", "memory", "pids");

    private static CgroupLayout Mount(FixtureKernel kernel, params string[] controllers) =>
        new(CgroupMode.V1, controllers.ToDictionary(c => c, c => kernel.MountCgroup("/" + c, c), StringComparer.Ordinal), null);

    private string Group(string controller, string? name) =>
        name is null ? Tree.PathTo(Path.Combine(controller, Prefix)) : Tree.PathTo(Path.Combine(controller, Prefix, name));

    protected override string CpusetDir(string? name) => Group("cpuset", name);

    protected override string MemoryDir(string name) => Group("memory", name);

    protected override string UsageFile => "memory.usage_in_bytes";

    protected override string LimitFile => "memory.limit_in_bytes";

    protected override IReadOnlyList<string> ExpectedProcsFiles(string name) =>
        [.. new[] { "cpuset", "memory", "pids" }.Select(c => Path.Combine(Group(c, name), "cgroup.procs"))];

    protected override void AssertParentReady(CpuSet cpus, string mems)
    {
        Assert.Equal(["cpuset", "memory", "pids"], Driver.ParentDirectories().Select(d => Path.GetFileName(Path.GetDirectoryName(d))));
        Assert.Equal(cpus.ToString(), File.ReadAllText(Path.Combine(CpusetDir(null), "cpuset.cpus")));
        Assert.Equal(mems, File.ReadAllText(Path.Combine(CpusetDir(null), "cpuset.mems")));
    }

    protected override void AssertMemory(string name, ByteSize memory)
    {
        var bytes = memory.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(bytes, File.ReadAllText(Path.Combine(MemoryDir(name), "memory.limit_in_bytes")));
        Assert.Equal(bytes, File.ReadAllText(Path.Combine(MemoryDir(name), "memory.soft_limit_in_bytes")));
    }

    [Fact]
    public void EnsureParent_UseHierarchyOff_TurnsItOn()
    {
        // A prefix group left by an older kernel or tool with the old default.
        Kernel.CreateDirectory(Tree.PathTo("memory/rf-test"));
        Tree.Write("memory/rf-test/memory.use_hierarchy", "0\n");

        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");

        Assert.Equal("1", Tree.Read("memory/rf-test/memory.use_hierarchy"));
    }

    [Fact]
    public void EnsureParent_AfterAHostGroupOnTheReserve_KeepsTheReserveInThePrefix()
    {
        // v1 refuses a parent narrower than a child (EBUSY): --confine-host's group holds CPU 0, subOSes get 1-3.
        var procs = Driver.MakeHostGroup("supervisor", CpuSet.Parse("0"), CpuSet.Parse("0-3"), "0");

        Driver.EnsureParent(CpuSet.Parse("1-3"), "0");
        Driver.Create("web", CpuSet.Parse("1-2"), "0", ByteSize.Parse("64M"));

        Assert.Equal(Path.Combine(CpusetDir("supervisor"), "cgroup.procs"), procs);
        Assert.Equal("0-3", Tree.Read("cpuset/rf-test/cpuset.cpus"));
        Assert.Equal("0", Tree.Read("cpuset/rf-test/supervisor/cpuset.cpus"));
        Assert.Equal("1-2", Tree.Read("cpuset/rf-test/web/cpuset.cpus"));
    }

    [Fact]
    public void SetMemory_BelowWhatIsCharged_KernelRefuses()
    {
        CreateGroup();
        File.WriteAllText(Tree.PathTo("memory/rf-test/web/memory.usage_in_bytes"), (700L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var e = Assert.Throws<LinuxException>(() => Driver.SetMemory("web", ByteSize.Parse("512M")));

        Assert.Contains("Device or resource busy", e.Message, StringComparison.Ordinal);
        Assert.Equal(ByteSize.Parse("1G"), Driver.Read("web").MemoryLimit);
    }

    [Fact]
    public void Read_V1_NoPartition()
    {
        CreateGroup();

        Assert.Equal(PartitionState.None, Driver.Read("web").Partition);
        Assert.Equal(PartitionState.None, Driver.ParentPartition());
    }

    private void CreateGroup()
    {
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");
        Driver.Create("web", CpuSet.Parse("1-2"), "0", ByteSize.Parse("1G"));
    }

    [Fact]
    public void EnsureParent_UseHierarchyOffWithChildren_LeavesIt()
    {
        // The kernel refuses to change use_hierarchy once the group has children.
        Kernel.CreateDirectory(Tree.PathTo("memory/rf-test"));
        Tree.Write("memory/rf-test/memory.use_hierarchy", "0\n");
        Kernel.CreateDirectory(Tree.PathTo("memory/rf-test/web"));

        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");

        Assert.Equal("0", Tree.Read("memory/rf-test/memory.use_hierarchy"));
    }

    [Fact]
    public void ProcsFiles_WithoutPidsHierarchy_OnlyCpusetAndMemory()
    {
        var layout = new CgroupLayout(CgroupMode.Hybrid, new Dictionary<string, string> { ["cpuset"] = Tree.PathTo("cpuset"), ["memory"] = Tree.PathTo("memory") }, Tree.PathTo("unified"));
        var driver = CgroupDriver.For(Kernel, layout, Prefix);
        driver.EnsureParent(CpuSet.Parse("0-1"), "0");
        driver.Create("web", CpuSet.Parse("1"), "0", ByteSize.Parse("64M"));

        Assert.Equal([Path.Combine(CpusetDir("web"), "cgroup.procs"), Path.Combine(MemoryDir("web"), "cgroup.procs")], driver.ProcsFiles("web"));
        Assert.False(Directory.Exists(Tree.PathTo("pids/rf-test")));
        Assert.False(Directory.Exists(Tree.PathTo("unified/rf-test")));
    }

    [Fact]
    public void Create_WithDevicesHierarchy_DeniesAllThenAllowsThePolicyOneRulePerWrite()
    {
        var driver = WithDevices();
        driver.EnsureParent(CpuSet.Parse("0-1"), "0");
        driver.Create("web", CpuSet.Parse("1"), "0", ByteSize.Parse("64M"));

        // The kernel's list holds exactly the policy: the deny dropped the inherited "a *:* rwm", each allow added one rule.
        Assert.Equal(DevicePolicy.Minimal.Select(r => r.ToString()), File.ReadAllLines(Tree.PathTo("devices/rf-test/web/devices.list")));
        Assert.Equal(string.Join("; ", DevicePolicy.Minimal), driver.DeviceRules("web"));
        Assert.Contains(Path.Combine(Tree.PathTo("devices/rf-test/web"), "cgroup.procs"), driver.ProcsFiles("web"));

        // The prefix group keeps the default: the supervisor's own group for host tasks sits under it.
        Assert.Equal("a *:* rwm", Tree.Read("devices/rf-test/devices.list"));
        Assert.Null(driver.DeviceRules("supervisor"));
    }

    [Fact]
    public void CreateCpusetOnly_WithDevicesHierarchy_NoDevicesGroup()
    {
        var driver = WithDevices();
        driver.EnsureParent(CpuSet.Parse("0-1"), "0");

        driver.CreateCpusetOnly("supervisor", CpuSet.Parse("0"), "0");

        Assert.False(Directory.Exists(Tree.PathTo("devices/rf-test/supervisor")));
    }

    [Fact]
    public void DeviceRules_DevicesList_JoinedWithSemicolons()
    {
        var driver = WithDevices();
        driver.EnsureParent(CpuSet.Parse("0-1"), "0");
        driver.Create("web", CpuSet.Parse("1"), "0", ByteSize.Parse("64M"));
        Tree.Write("devices/rf-test/web/devices.list", "c 1:3 rwm\nc 136:* rwm\n");

        Assert.Equal("c 1:3 rwm; c 136:* rwm", driver.DeviceRules("web"));
    }

    [Fact]
    public void DeviceRules_AllowAll_Null()
    {
        var driver = WithDevices();
        Tree.Write("devices/rf-test/web/devices.list", "a *:* rwm\n");

        Assert.Null(driver.DeviceRules("web"));
    }

    [Fact]
    public void DeviceRules_NoDevicesHierarchy_Null()
    {
        Driver.EnsureParent(CpuSet.Parse("0-1"), "0");
        Driver.Create("web", CpuSet.Parse("1"), "0", ByteSize.Parse("64M"));

        Assert.Null(Driver.DeviceRules("web"));
    }

    [Fact]
    public void DeviceRules_NameWithSlash_Refused()
    {
        var driver = WithDevices();

        Assert.Throws<RainForest.Linux.Guard.GuardViolationException>(() => driver.DeviceRules("../web"));
    }

    private CgroupDriver WithDevices()
    {
        var mounts = new Dictionary<string, string>(StringComparer.Ordinal) { ["devices"] = Kernel.MountCgroup("/devices", "devices") };
        foreach (var controller in new[] { "cpuset", "memory", "pids" })
        {
            mounts[controller] = Tree.PathTo(controller);
        }

        return CgroupDriver.For(Kernel, new CgroupLayout(CgroupMode.Hybrid, mounts, Tree.PathTo("unified")), Prefix);
    }

    [Fact]
    public void CreateCpusetOnly_MakesOnlyTheCpusetGroup()
    {
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");

        Driver.CreateCpusetOnly("supervisor", CpuSet.Parse("0"), "0");

        Assert.Equal([Path.Combine(CpusetDir("supervisor"), "cgroup.procs")], Driver.ProcsFiles("supervisor"));
        Assert.False(Driver.Exists("supervisor"));
    }
}
