namespace RainForest.Linux.Tests.Mounts;

/// <summary>Reading a process's mounts as rfm audit does: mount points and whether the covering mount is read-only.</summary>
public class MountTableTests
{
    private const string Sample = """
        100 90 0:50 / / rw,relatime - overlay rf-root rw,lowerdir=/x
        101 100 0:51 / /proc rw,nosuid,nodev,noexec - proc proc rw
        102 101 0:51 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw
        103 100 0:52 / /sys ro,nosuid,nodev,noexec shared:5 - sysfs sysfs ro
        104 101 0:6 /null /proc/kcore rw,nosuid - tmpfs tmpfs rw
        105 100 0:53 / /run\040dir rw - tmpfs tmpfs rw
        106 100 0:54 / /tmp rw - tmpfs tmpfs rw
        107 106 0:55 / /tmp rw - tmpfs tmpfs ro
        """;

    [Fact]
    public void IsReadOnly_PathUnderAReadOnlyMount_IsTrue()
    {
        var table = MountTable.Parse(Sample);

        Assert.True(table.IsReadOnly("/proc/sys/kernel/core_pattern"));
        Assert.True(table.IsReadOnly("/sys"));
        Assert.False(table.IsReadOnly("/proc/self/status"));
        Assert.False(table.IsReadOnly("/etc/passwd"));
    }

    [Fact]
    public void IsReadOnly_StackedMounts_TheTopOneCounts()
    {
        // 107 was mounted over 106: path lookup finds the read-only one.
        Assert.True(MountTable.Parse(Sample).IsReadOnly("/tmp/x"));
    }

    [Theory]
    [InlineData("/etc/passwd", "overlay")]
    [InlineData("/proc/sys/vm", "proc")]
    [InlineData("/sys/fs", "sysfs")]
    [InlineData("/tmp/x", "tmpfs")]
    [InlineData("/sysfoo", "overlay")]
    public void TypeCovering_Path_IsTheTypeOfTheMountLookupFinds(string path, string type) =>
        Assert.Equal(type, MountTable.Parse(Sample).TypeCovering(path));

    [Theory]
    [InlineData("/etc/passwd", "/")]
    [InlineData("/proc/sys/vm", "/proc/sys")]
    [InlineData("/run dir/x", "/run dir")]
    [InlineData("/tmp", "/tmp")]
    [InlineData("/sysfoo", "/")]
    public void MountPointCovering_Path_IsTheMountPointLookupFinds(string path, string point) =>
        Assert.Equal(point, MountTable.Parse(Sample).MountPointCovering(path));

    [Fact]
    public void IsMountPoint_EscapedSpace_IsUnescaped()
    {
        var table = MountTable.Parse(Sample);

        Assert.True(table.IsMountPoint("/run dir"));
        Assert.True(table.IsMountPoint("/proc/kcore"));
        Assert.False(table.IsMountPoint("/proc/keys"));
        Assert.Equal("sysfs", table.TypeAt("/sys"));
    }

    [Fact]
    public void Read_Self_FindsTheRoot()
    {
        var table = MountTable.Read(Environment.ProcessId);

        Assert.True(table.IsMountPoint("/"));
        Assert.NotNull(table.IsReadOnly("/"));
    }
}
