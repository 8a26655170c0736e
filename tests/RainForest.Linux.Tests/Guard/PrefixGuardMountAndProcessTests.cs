using System.Diagnostics;
using RainForest.Linux.Guard;
using RainForest.Linux.Tests.Cgroups;

namespace RainForest.Linux.Tests.Guard;

/// <summary>
/// The guard's checks for mount points (the last component is not resolved: a dead FUSE mount cannot be stat'ed)
/// and for processes it may signal (the program, and the path it serves, on its command line). Nothing is
/// unmounted or killed here: the guard only answers.
/// </summary>
public sealed class PrefixGuardMountAndProcessTests : IDisposable
{
    private const string Prefix = "rf-1234abcd";
    private readonly TempTree _tree = new();
    private readonly PrefixGuard _guard;
    private readonly List<Process> _processes = [];

    public PrefixGuardMountAndProcessTests()
    {
        Directory.CreateDirectory(Owned);
        Directory.CreateDirectory(_tree.PathTo("elsewhere"));
        _guard = new PrefixGuard([Owned], Prefix);
    }

    private string Owned => _tree.PathTo(Prefix + "-lxcfs");

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            // Only the processes this test started.
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }

        _tree.Dispose();
    }

    [Theory]
    [InlineData("mnt")]
    [InlineData("not-made-yet")]
    [InlineData("sub/mnt")]
    public void CheckMountPoint_BelowARoot_ReturnsCanonicalPath(string relative)
    {
        var canonical = _guard.CheckMountPoint(Path.Combine(Owned, relative));

        Assert.Equal(Path.Join(PrefixGuard.Canonicalize(Owned), relative), canonical);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/.")]
    [InlineData("/mnt/..")]
    public void CheckMountPoint_TheRootItself_Throws(string suffix)
    {
        Assert.Throws<GuardViolationException>(() => _guard.CheckMountPoint(Owned + suffix));
    }

    [Fact]
    public void CheckMountPoint_LastComponentIsASymlinkOut_NotFollowedAndKeptInside()
    {
        // umount2 with UMOUNT_NOFOLLOW acts on the link itself, inside the root, never on its target.
        var link = Path.Combine(Owned, "mnt");
        Directory.CreateSymbolicLink(link, _tree.PathTo("elsewhere"));

        Assert.Equal(Path.Join(PrefixGuard.Canonicalize(Owned), "mnt"), _guard.CheckMountPoint(link));
    }

    [Fact]
    public void CheckMountPoint_ParentIsASymlinkOut_Throws()
    {
        Directory.CreateSymbolicLink(Path.Combine(Owned, "escape"), _tree.PathTo("elsewhere"));

        var e = Assert.Throws<GuardViolationException>(() => _guard.CheckMountPoint(Path.Combine(Owned, "escape/mnt")));

        Assert.Contains("lies outside this supervisor's prefix " + Prefix, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckMountPoint_LookAlikeSibling_Throws()
    {
        Assert.Throws<GuardViolationException>(() => _guard.CheckMountPoint(Owned + "-evil/mnt"));
    }

    [Fact]
    public void CheckProcess_ProgramServingAPathInside_Accepted()
    {
        var mount = Path.Combine(Owned, "mnt");
        var pid = Start(mount);

        _guard.CheckProcess(pid, "sh", mount);
    }

    [Fact]
    public void CheckProcess_AnotherProgram_Refused()
    {
        var mount = Path.Combine(Owned, "mnt");
        var pid = Start(mount);

        var e = Assert.Throws<GuardViolationException>(() => _guard.CheckProcess(pid, "lxcfs", mount));

        Assert.Contains($"process {pid} is not the lxcfs this supervisor started", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckProcess_ProcessNamesAnotherPath_Refused()
    {
        var pid = Start(Path.Combine(Owned, "other"));

        Assert.Throws<GuardViolationException>(() => _guard.CheckProcess(pid, "sh", Path.Combine(Owned, "mnt")));
    }

    [Fact]
    public void CheckProcess_PathOutsideTheRoots_RefusedEvenIfTheProcessNamesIt()
    {
        var outside = _tree.PathTo("elsewhere/mnt");
        var pid = Start(outside);

        Assert.Throws<GuardViolationException>(() => _guard.CheckProcess(pid, "sh", outside));
    }

    [Fact]
    public void CheckProcess_ProcessGone_Refused()
    {
        var mount = Path.Combine(Owned, "mnt");
        var pid = Start(mount);
        var process = _processes[^1];
        process.Kill();
        process.WaitForExit();

        Assert.Throws<GuardViolationException>(() => _guard.CheckProcess(pid, "sh", mount));
    }

    /// <summary>Starts <c>sh -c 'sleep 300' ARG</c>: a process whose command line names <paramref name="argument"/>.</summary>
    private int Start(string argument)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var arg in (string[])["-c", "sleep 300", argument])
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("sh did not start");
        _processes.Add(process);
        return process.Id;
    }
}
