using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux.Cgroups;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>What a driver throws when the kernel refuses: the Linux layer's own exception, no CLI exit code.</summary>
public sealed class CgroupDriverFailureTests : IDisposable
{
    private const string Prefix = "rf-test";
    private readonly TempTree _tree = new();
    private readonly CgroupDriver _driver;

    public CgroupDriverFailureTests()
    {
        var mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var controller in new[] { "cpuset", "memory", "pids" })
        {
            mounts[controller] = _tree.PathTo(controller);
            Directory.CreateDirectory(mounts[controller]);
        }

        _driver = CgroupDriver.For(new CgroupLayout(CgroupMode.V1, mounts, null), Prefix);
    }

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void EnsureParent_ControlFileRefusesTheWrite_ThrowsLinuxExceptionNamingFileAndValue()
    {
        // A directory where the control file should be: the write fails as a kernel refusal would.
        var file = _tree.PathTo($"cpuset/{Prefix}/cpuset.mems");
        Directory.CreateDirectory(file);

        var e = Assert.Throws<LinuxException>(() => _driver.EnsureParent(CpuSet.Parse("0-3"), "0"));

        Assert.StartsWith($"cannot write '0' to {file}: ", e.Message, StringComparison.Ordinal);
        Assert.Equal(file, e.Path);
        Assert.Equal("write", e.Operation);
        Assert.NotEqual(0, e.Errno);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void Create_GroupCannotBeMade_ThrowsLinuxExceptionNamingTheGroup()
    {
        _driver.EnsureParent(CpuSet.Parse("0-3"), "0");

        // A file where the group's directory should be.
        File.WriteAllText(_tree.PathTo($"memory/{Prefix}/web"), string.Empty);

        var e = Assert.Throws<LinuxException>(() => _driver.Create("web", CpuSet.Parse("1"), "0", ByteSize.FromMiB(64)));

        Assert.StartsWith($"cannot create cgroup {_tree.PathTo($"memory/{Prefix}/web")}: ", e.Message, StringComparison.Ordinal);
        Assert.Equal(Errno.EEXIST, e.Errno);
    }
}
