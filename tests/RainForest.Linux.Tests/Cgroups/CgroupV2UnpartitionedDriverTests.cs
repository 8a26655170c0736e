using RainForest.Core;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Fixtures;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>The v2 driver suite on a kernel without cpuset partitions: every group is a plain member cpuset.</summary>
public sealed class CgroupV2UnpartitionedDriverTests : CgroupV2DriverTests
{
    public CgroupV2UnpartitionedDriverTests()
        : base(PartitionSupport.None)
    {
    }

    protected override void AssertPrefixCpuset(CpuSet cpus)
    {
        // The prefix group's cpuset stays empty: v2 reads that as all of the parent's.
        Assert.Equal(string.Empty, Tree.Read("cgroup/rf-test/cpuset.cpus"));
        Assert.False(File.Exists(Tree.PathTo("cgroup/rf-test/cpuset.cpus.partition")));
        Assert.Equal(PartitionState.None, Driver.ParentPartition());
        Assert.Equal("0-7", Tree.Read("cgroup/cpuset.cpus.effective"));
    }

    [Fact]
    public void EnsureParent_NoPartitions_SaysSoOnceWhenThePrefixIsMade()
    {
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");
        Driver.EnsureParent(CpuSet.Parse("0-3"), "0");

        var warning = Assert.Single(Warnings);
        Assert.Contains("no cpuset partitions", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NoPartitions_MemberWithItsCpus()
    {
        CreateGroup();

        Assert.Equal(PartitionState.None, Driver.Read("web").Partition);
        Assert.Equal("1-2", Tree.Read("cgroup/rf-test/web/cpuset.cpus.effective"));
    }

    [Fact]
    public void MakeHostGroup_NoPartitions_MakesTheGroupOnTheHostCpus()
    {
        var procs = Driver.MakeHostGroup("supervisor", CpuSet.Parse("0"), CpuSet.Parse("0-7"), "0");

        Assert.Equal(Tree.PathTo("cgroup/rf-test/supervisor/cgroup.procs"), procs);
        Assert.Equal("0", Tree.Read("cgroup/rf-test/supervisor/cpuset.cpus"));
    }
}
