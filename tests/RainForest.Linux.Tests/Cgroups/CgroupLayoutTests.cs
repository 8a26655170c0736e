using RainForest.Linux.Cgroups;

namespace RainForest.Linux.Tests.Cgroups;

public sealed class CgroupLayoutTests : IDisposable
{
    private const string PureV2Mounts = """
        sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
        proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
        cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0
        /dev/vda1 / ext4 rw,relatime 0 0
        """;

    // The development VM's layout: v1 controllers beside an empty cgroup2 at unified.
    private const string HybridMounts = """
        tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
        cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
        cgroup /sys/fs/cgroup/cpuacct cgroup rw,relatime,cpuacct 0 0
        cgroup /sys/fs/cgroup/cpuset cgroup rw,relatime,cpuset 0 0
        cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0
        cgroup /sys/fs/cgroup/devices cgroup rw,relatime,devices 0 0
        cgroup /sys/fs/cgroup/pids cgroup rw,relatime,pids 0 0
        cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,name=systemd 0 0
        cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
        """;

    private const string V1Mounts = """
        tmpfs /sys/fs/cgroup tmpfs ro,nosuid,nodev,noexec,mode=755 0 0
        cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,nodev,noexec,relatime,cpu,cpuacct 0 0
        cgroup /sys/fs/cgroup/cpuset cgroup rw,nosuid,nodev,noexec,relatime,cpuset 0 0
        cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0
        """;

    private readonly TempTree _tree = new();

    private CgroupLayout Detect(string mounts, string? v2Controllers = null, string v2At = "sys/fs/cgroup")
    {
        _tree.Write("proc/self/mounts", mounts + "\n");
        if (v2Controllers is not null)
        {
            _tree.Write(Path.Combine(v2At, "cgroup.controllers"), v2Controllers + "\n");
        }

        return CgroupLayout.Detect(_tree.Root);
    }

    [Fact]
    public void Detect_PureV2_IsV2AtTheMountUnderTheRoot()
    {
        var layout = Detect(PureV2Mounts, "cpuset cpu io memory hugetlb pids rdma misc");

        Assert.Equal(CgroupMode.V2, layout.Mode);
        Assert.Equal("v2", layout.ModeName);
        Assert.Equal(_tree.PathTo("sys/fs/cgroup"), layout.V2Mount);
        Assert.Empty(layout.V1Mounts);
    }

    [Fact]
    public void Detect_Hybrid_UsesTheV1ControllersAndKeepsTheV2Mount()
    {
        var layout = Detect(HybridMounts, string.Empty, "sys/fs/cgroup/unified");

        Assert.Equal(CgroupMode.Hybrid, layout.Mode);
        Assert.Equal("hybrid", layout.ModeName);
        Assert.Equal(_tree.PathTo("sys/fs/cgroup/unified"), layout.V2Mount);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["cpuset"] = _tree.PathTo("sys/fs/cgroup/cpuset"),
                ["memory"] = _tree.PathTo("sys/fs/cgroup/memory"),
                ["pids"] = _tree.PathTo("sys/fs/cgroup/pids"),
                ["devices"] = _tree.PathTo("sys/fs/cgroup/devices"),
                ["cpu"] = _tree.PathTo("sys/fs/cgroup/cpu"),
            },
            layout.V1Mounts);
    }

    [Fact]
    public void Detect_V1Only_IsV1WithoutPidsWhenPidsIsNotMounted()
    {
        var layout = Detect(V1Mounts);

        Assert.Equal(CgroupMode.V1, layout.Mode);
        Assert.Equal("v1", layout.ModeName);
        Assert.Null(layout.V2Mount);
        Assert.Equal(["cpu", "cpuset", "memory"], layout.V1Mounts.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Detect_CoMountedControllers_MapsEachToTheSharedMount()
    {
        var layout = Detect("cgroup /sys/fs/cgroup/cpuset,memory cgroup rw,relatime,cpuset,memory,pids 0 0");

        Assert.Equal(CgroupMode.V1, layout.Mode);
        Assert.All(layout.V1Mounts.Values, m => Assert.Equal(_tree.PathTo("sys/fs/cgroup/cpuset,memory"), m));
        Assert.Equal(3, layout.V1Mounts.Count);
    }

    [Fact]
    public void Detect_EscapedSpaceInMountPoint_IsUnescaped()
    {
        var layout = Detect("cgroup2 /mnt/my\\040cgroups cgroup2 rw 0 0", "cpuset memory", "mnt/my cgroups");

        Assert.Equal(_tree.PathTo("mnt/my cgroups"), layout.V2Mount);
    }

    [Fact]
    public void Detect_V2WithoutCpuset_ThrowsNamingIt()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Detect(PureV2Mounts, "cpu io memory hugetlb pids rdma misc"));

        Assert.Contains("lacks the cpuset controller", e.Message, StringComparison.Ordinal);
        Assert.Contains(_tree.PathTo("sys/fs/cgroup"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_V2WithoutControllersFile_ThrowsNamingBoth()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Detect(PureV2Mounts));

        Assert.Contains("lacks the cpuset and memory controller", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_NoCgroupMount_Throws()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Detect("proc /proc proc rw 0 0\nshort line"));

        Assert.Contains("no cgroup hierarchy offers the cpuset and memory controllers", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _tree.Dispose();
}
