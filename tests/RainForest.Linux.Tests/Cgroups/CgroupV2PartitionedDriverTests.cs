using RainForest.Core;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Fixtures;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>The v2 driver suite on Linux 6.7 or later: the prefix group is a partition root, each subOS an isolated partition.</summary>
public sealed class CgroupV2PartitionedDriverTests : CgroupV2DriverTests
{
    public CgroupV2PartitionedDriverTests()
        : base(PartitionSupport.Exclusive)
    {
    }

    protected override void AssertPrefixCpuset(CpuSet cpus)
    {
        Assert.Equal(cpus.ToString(), Tree.Read("cgroup/rf-test/cpuset.cpus"));
        Assert.Equal("root", Tree.Read("cgroup/rf-test/cpuset.cpus.partition"));
        Assert.Equal(new PartitionState(PartitionKind.Root, true, null), Driver.ParentPartition());

        // The host's tasks in the root cgroup keep only the other CPUs.
        Assert.Equal(CpuSet.Parse("0-7").Except(cpus).ToString(), Tree.Read("cgroup/cpuset.cpus.effective"));
    }

    [Fact]
    public void Create_Partitions_SubOsIsAnIsolatedPartition()
    {
        CreateGroup();

        Assert.Equal(new PartitionState(PartitionKind.Isolated, true, null), Driver.Read("web").Partition);
        Assert.Equal("1-2", Tree.Read("cgroup/rf-test/web/cpuset.cpus.exclusive"));
        Assert.Equal("1-2", Tree.Read("cgroup/cpuset.cpus.isolated"));
        Assert.Equal("0,3", Tree.Read("cgroup/rf-test/cpuset.cpus.effective"));
        Assert.Empty(Warnings);
    }
}
