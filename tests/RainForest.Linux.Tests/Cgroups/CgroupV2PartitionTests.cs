using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Fixtures;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>
/// cgroup v2 cpuset partitions on fixture kernels of each generation: the prefix group a partition root over the
/// CPUs subOSes may use (0-3 of 0-7 here), each subOS an isolated partition that resize moves and destroy gives back,
/// and the degraded states the kernel reports instead of failing a write.
/// </summary>
public sealed class CgroupV2PartitionTests : IDisposable
{
    private const string Prefix = "rf-test";
    private readonly TempTree _tree = new();
    private readonly List<string> _warnings = [];
    private FixtureKernel _kernel = null!;
    private CgroupDriver _driver = null!;

    public static TheoryData<PartitionSupport> WithPartitions => [PartitionSupport.RootOnly, PartitionSupport.Isolated, PartitionSupport.Exclusive];

    public static TheoryData<PartitionSupport> WithReasons => [PartitionSupport.Isolated, PartitionSupport.Exclusive];

    private void Start(PartitionSupport partitions)
    {
        _kernel = new FixtureKernel(_tree.Root) { Cpus = CpuSet.Parse("0-7"), Partitions = partitions };
        var mount = _kernel.MountCgroup2("/sys/fs/cgroup");
        _driver = CgroupDriver.For(_kernel, new CgroupLayout(CgroupMode.V2, new Dictionary<string, string>(), mount), Prefix);
        _driver.Warnings = _warnings.Add;
    }

    private string? Read(string relative) => _tree.Read("sys/fs/cgroup/" + relative);

    private void CreateWeb()
    {
        _driver.EnsureParent(CpuSet.Parse("0-3"), "0");
        _driver.Create("web", CpuSet.Parse("1-2"), "0", ByteSize.Parse("64M"));
    }

    /// <summary>The partition a subOS gets where the kernel offers only what <paramref name="partitions"/> brought.</summary>
    private static PartitionKind SubOsKind(PartitionSupport partitions) =>
        partitions == PartitionSupport.RootOnly ? PartitionKind.Root : PartitionKind.Isolated;

    [Theory]
    [MemberData(nameof(WithPartitions))]
    public void Create_EachKernel_PrefixRootSubOsPartitionHostOffItsCpus(PartitionSupport partitions)
    {
        Start(partitions);

        CreateWeb();

        Assert.Equal(new PartitionState(PartitionKind.Root, true, null), _driver.ParentPartition());
        Assert.Equal(new PartitionState(SubOsKind(partitions), true, null), _driver.Read("web").Partition);
        Assert.Equal("4-7", Read("cpuset.cpus.effective"));
        Assert.Equal("0,3", Read("rf-test/cpuset.cpus.effective"));
        Assert.Equal("1-2", Read("rf-test/web/cpuset.cpus.effective"));
    }

    [Fact]
    public void Create_Linux67_ExclusiveCpusAndTheKernelsIsolatedList()
    {
        Start(PartitionSupport.Exclusive);

        CreateWeb();

        Assert.Equal("1-2", Read("rf-test/web/cpuset.cpus.exclusive"));
        Assert.Equal("1-2", Read("cpuset.cpus.isolated"));
        Assert.Empty(_warnings);
    }

    [Fact]
    public void Create_Linux61_NoExclusiveFile_SaidOnceWhenThePrefixIsMade()
    {
        Start(PartitionSupport.Isolated);

        CreateWeb();
        _driver.Create("db", CpuSet.Parse("3"), "0", ByteSize.Parse("64M"));

        var warning = Assert.Single(_warnings);
        Assert.Contains("cpuset.cpus.exclusive", warning, StringComparison.Ordinal);
        Assert.False(File.Exists(_tree.PathTo("sys/fs/cgroup/rf-test/web/cpuset.cpus.exclusive")));
        Assert.Equal("isolated", Read("rf-test/db/cpuset.cpus.partition"));
    }

    [Fact]
    public void Create_KernelWithoutIsolated_RootPartitionsAndSaidOnce()
    {
        Start(PartitionSupport.RootOnly);

        CreateWeb();
        _driver.Create("db", CpuSet.Parse("3"), "0", ByteSize.Parse("64M"));

        Assert.Equal("root", Read("rf-test/web/cpuset.cpus.partition"));
        Assert.Equal("root", Read("rf-test/db/cpuset.cpus.partition"));
        Assert.Single(_warnings, w => w.Contains("no isolated cpuset partitions", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(WithPartitions))]
    public void SetCpus_Grow_PartitionTakesTheNewCpusFromThePrefix(PartitionSupport partitions)
    {
        Start(partitions);
        CreateWeb();

        _driver.SetCpus("web", CpuSet.Parse("1-3"), "0");

        Assert.Equal(new PartitionState(SubOsKind(partitions), true, null), _driver.Read("web").Partition);
        Assert.Equal("1-3", Read("rf-test/web/cpuset.cpus.effective"));
        Assert.Equal("0", Read("rf-test/cpuset.cpus.effective"));
        Assert.DoesNotContain(_warnings, w => w.Contains("web", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(WithPartitions))]
    public void SetCpus_Shrink_PartitionGivesTheCpuBack(PartitionSupport partitions)
    {
        Start(partitions);
        CreateWeb();

        _driver.SetCpus("web", CpuSet.Parse("1"), "0");

        Assert.True(_driver.Read("web").Partition.Isolates());
        Assert.Equal("1", Read("rf-test/web/cpuset.cpus.effective"));
        Assert.Equal("0,2-3", Read("rf-test/cpuset.cpus.effective"));
    }

    [Theory]
    [MemberData(nameof(WithPartitions))]
    public void SetCpus_NoCpuKept_MovesThroughMemberAndIsAPartitionAgain(PartitionSupport partitions)
    {
        Start(partitions);
        CreateWeb();

        _driver.SetCpus("web", CpuSet.Parse("3"), "0");

        Assert.Equal(new PartitionState(SubOsKind(partitions), true, null), _driver.Read("web").Partition);
        Assert.Equal("3", Read("rf-test/web/cpuset.cpus.effective"));
        Assert.Equal("0-2", Read("rf-test/cpuset.cpus.effective"));
    }

    [Fact]
    public void SetCpus_Linux67_ExclusiveFollowsTheCpus()
    {
        Start(PartitionSupport.Exclusive);
        CreateWeb();

        _driver.SetCpus("web", CpuSet.Parse("2-3"), "0");

        Assert.Equal("2-3", Read("rf-test/web/cpuset.cpus"));
        Assert.Equal("2-3", Read("rf-test/web/cpuset.cpus.exclusive"));
        Assert.Equal("2-3", Read("cpuset.cpus.isolated"));
    }

    [Theory]
    [InlineData("1-3")]
    [InlineData("3")]
    public void SetCpus_CpusWriteRefused_PartitionPutBackAsItWas(string cpus)
    {
        Start(PartitionSupport.Exclusive);
        CreateWeb();
        _tree.Break("sys/fs/cgroup/rf-test/web/cpuset.cpus");

        Assert.Throws<LinuxException>(() => _driver.SetCpus("web", CpuSet.Parse(cpus), "0"));

        Assert.Equal(new PartitionState(PartitionKind.Isolated, true, null), _driver.Read("web").Partition);
        Assert.Equal("1-2", Read("rf-test/web/cpuset.cpus.exclusive"));
        Assert.Equal("1-2", Read("rf-test/web/cpuset.cpus.exclusive.effective"));
    }

    [Theory]
    [MemberData(nameof(WithPartitions))]
    public void Remove_Partition_GivesItsCpusBack(PartitionSupport partitions)
    {
        Start(partitions);
        CreateWeb();

        _driver.Remove("web", TimeSpan.FromSeconds(5));

        Assert.Equal("0-3", Read("rf-test/cpuset.cpus.effective"));
        _driver.RemoveParentIfEmpty();
        Assert.Equal("0-7", Read("cpuset.cpus.effective"));
    }

    [Theory]
    [MemberData(nameof(WithReasons))]
    public void EnsureParent_EveryCpu_RootInvalidWithTheKernelsReasonSaidOnce(PartitionSupport partitions)
    {
        Start(partitions);

        _driver.EnsureParent(CpuSet.Parse("0-7"), "0");
        _driver.EnsureParent(CpuSet.Parse("0-7"), "0");

        Assert.Equal(new PartitionState(PartitionKind.Root, false, "Parent unable to distribute cpu downstream"), _driver.ParentPartition());
        Assert.Single(_warnings, w => w.Contains("root invalid (Parent unable to distribute cpu downstream)", StringComparison.Ordinal));
        Assert.Equal("0-7", Read("cpuset.cpus.effective"));
    }

    [Fact]
    public void EnsureParent_KernelBefore61_RefusesTheRequestAndSaysSoOnce()
    {
        Start(PartitionSupport.RootOnly);

        _driver.EnsureParent(CpuSet.Parse("0-7"), "0");
        _driver.EnsureParent(CpuSet.Parse("0-7"), "0");

        Assert.Equal(new PartitionState(PartitionKind.Member, true, null), _driver.ParentPartition());
        var warning = Assert.Single(_warnings, w => w.Contains("refused to make", StringComparison.Ordinal));
        Assert.Contains("Invalid argument", warning, StringComparison.Ordinal);
        Assert.Single(_warnings, w => w.Contains("no cpuset.cpus.exclusive", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_KernelBefore61UnderAMemberPrefix_RefusedSaidAndStillCreated()
    {
        Start(PartitionSupport.RootOnly);
        _driver.EnsureParent(CpuSet.Parse("0-7"), "0");

        _driver.Create("web", CpuSet.Parse("1-2"), "0", ByteSize.Parse("64M"));

        Assert.True(_driver.Exists("web"));
        Assert.Equal(new PartitionState(PartitionKind.Member, true, null), _driver.Read("web").Partition);
        Assert.Contains(_warnings, w => w.StartsWith("subOS 'web': the kernel refused its cpuset partition", StringComparison.Ordinal));
        Assert.Equal("1-2", Read("rf-test/web/cpuset.cpus.effective"));
    }

    [Fact]
    public void Create_AnotherToolHoldsTheCpusExclusively_MemberAndSaid()
    {
        Start(PartitionSupport.Exclusive);
        _driver.EnsureParent(CpuSet.Parse("0-3"), "0");
        var other = _tree.PathTo("sys/fs/cgroup/rf-test/other");
        _kernel.CreateDirectory(other);
        _kernel.Write(Path.Combine(other, "cpuset.cpus.exclusive"), "2");

        _driver.Create("web", CpuSet.Parse("1-2"), "0", ByteSize.Parse("64M"));

        Assert.Equal(new PartitionState(PartitionKind.Member, true, null), _driver.Read("web").Partition);
        Assert.Contains(_warnings, w => w.StartsWith("subOS 'web': the kernel refused its CPUs as exclusive", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(WithReasons))]
    public void Create_UnderAnInvalidPrefix_DegradedSaidAndStillOnItsCpus(PartitionSupport partitions)
    {
        Start(partitions);
        _driver.EnsureParent(CpuSet.Parse("0-7"), "0");

        _driver.Create("web", CpuSet.Parse("1-2"), "0", ByteSize.Parse("64M"));

        var state = _driver.Read("web").Partition;
        Assert.Equal(new PartitionState(PartitionKind.Isolated, false, "Parent is an invalid partition root"), state);
        Assert.False(state.Isolates());
        Assert.Contains(_warnings, w => w.StartsWith("subOS 'web'", StringComparison.Ordinal) && w.Contains(state.ToString(), StringComparison.Ordinal));
        Assert.Equal("1-2", Read("rf-test/web/cpuset.cpus.effective"));
    }

    [Fact]
    public void EnsureParent_AfterTheReserveComesBack_KernelRevalidatesEveryPartition()
    {
        Start(PartitionSupport.Exclusive);
        _driver.EnsureParent(CpuSet.Parse("0-7"), "0");
        _driver.Create("web", CpuSet.Parse("1-2"), "0", ByteSize.Parse("64M"));
        _warnings.Clear();

        _driver.EnsureParent(CpuSet.Parse("0-3"), "0");

        Assert.True(_driver.ParentPartition().Isolates());
        Assert.True(_driver.Read("web").Partition.Isolates());
        Assert.Empty(_warnings);
    }

    [Fact]
    public void EnsureParent_AnotherToolsPartitionHoldsACpu_NotExclusiveSaid()
    {
        Start(PartitionSupport.Exclusive);
        var other = _tree.PathTo("sys/fs/cgroup/other");
        _kernel.Write(_tree.PathTo("sys/fs/cgroup/cgroup.subtree_control"), "+cpuset");
        _kernel.CreateDirectory(other);
        _kernel.Write(Path.Combine(other, "cpuset.cpus"), "3");
        _kernel.Write(Path.Combine(other, "cpuset.cpus.partition"), "root");

        _driver.EnsureParent(CpuSet.Parse("0-3"), "0");

        Assert.Equal(new PartitionState(PartitionKind.Root, false, "Cpu list in cpuset.cpus not exclusive"), _driver.ParentPartition());
        Assert.Contains(_warnings, w => w.Contains("not exclusive", StringComparison.Ordinal));
    }

    [Fact]
    public void MakeHostGroup_Partitions_NoGroupAndTheHostKeepsItsCpusOnly()
    {
        Start(PartitionSupport.Exclusive);

        var procs = _driver.MakeHostGroup("supervisor", CpuSet.Parse("0"), CpuSet.Parse("0-7"), "0");

        Assert.Null(procs);
        Assert.Empty(_driver.Children());
        Assert.Equal("1-7", Read("rf-test/cpuset.cpus"));
        Assert.Equal("0", Read("cpuset.cpus.effective"));
    }

    [Fact]
    public void MakeHostGroup_PartitionRefused_FailsWithTheKernelsState()
    {
        Start(PartitionSupport.Exclusive);
        var other = _tree.PathTo("sys/fs/cgroup/other");
        _kernel.Write(_tree.PathTo("sys/fs/cgroup/cgroup.subtree_control"), "+cpuset");
        _kernel.CreateDirectory(other);
        _kernel.Write(Path.Combine(other, "cpuset.cpus"), "7");
        _kernel.Write(Path.Combine(other, "cpuset.cpus.partition"), "root");

        var e = Assert.Throws<LinuxException>(() => _driver.MakeHostGroup("supervisor", CpuSet.Parse("0"), CpuSet.Parse("0-7"), "0"));

        Assert.Equal(22, e.Errno);
        Assert.Contains("cannot confine the host", e.Message, StringComparison.Ordinal);
        Assert.Contains("root invalid (Cpu list in cpuset.cpus not exclusive)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("supervisor", _driver.Children());
    }

    public void Dispose() => _tree.Dispose();

    [Theory]
    [MemberData(nameof(WithPartitions))]
    public void SetShared_BothLeaveTheirPartitions_TheBorrowerReachesTheLendersCpus_AndBothComeBack(PartitionSupport partitions)
    {
        Start(partitions);
        CreateWeb();
        _driver.Create("batch", CpuSet.Parse("3"), "0", ByteSize.Parse("64M"));

        // batch runs in web's idle time: both leave their partitions, then batch's cpuset names web's CPUs too.
        _driver.SetShared("web", true, CpuSet.Parse("1-2"));
        _driver.SetShared("batch", true, CpuSet.Parse("3"));
        _driver.SetCpus("batch", CpuSet.Parse("1-3"), "0");

        Assert.Equal(PartitionKind.Member, _driver.Read("web").Partition.Kind);
        Assert.Equal(PartitionKind.Member, _driver.Read("batch").Partition.Kind);
        Assert.Equal("1-3", Read("rf-test/batch/cpuset.cpus.effective"));
        Assert.Equal("1-2", Read("rf-test/web/cpuset.cpus.effective"));

        // The share ends in the other order: the borrower's own CPUs, then each an isolated partition again.
        _driver.SetCpus("batch", CpuSet.Parse("3"), "0");
        _driver.SetShared("batch", false, CpuSet.Parse("3"));
        _driver.SetShared("web", false, CpuSet.Parse("1-2"));

        Assert.Equal(new PartitionState(SubOsKind(partitions), true, null), _driver.Read("web").Partition);
        Assert.Equal(new PartitionState(SubOsKind(partitions), true, null), _driver.Read("batch").Partition);
        Assert.Equal("1-2", Read("rf-test/web/cpuset.cpus.effective"));
        Assert.Equal("3", Read("rf-test/batch/cpuset.cpus.effective"));
        Assert.Equal("0", Read("rf-test/cpuset.cpus.effective"));
    }
}

