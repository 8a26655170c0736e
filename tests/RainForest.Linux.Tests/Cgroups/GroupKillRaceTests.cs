using System.Globalization;
using RainForest.Core;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Fixtures;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>
/// The pid-reuse gap of killing by the list in <c>cgroup.procs</c> (cgroup v1, and v2 before <c>cgroup.kill</c>): a
/// task that leaves the group between the driver's read and its kill, as one that exits and whose pid a host process
/// is given would, must not be signalled.
/// </summary>
public sealed class GroupKillRaceTests : IDisposable
{
    private const string Prefix = "rf-test";
    private readonly TempTree _tree = new();
    private readonly TestSleepers _sleepers = new();

    public void Dispose()
    {
        _sleepers.Dispose();
        _tree.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void KillAll_TaskLeftTheGroupAfterTheFirstRead_NotKilled(bool v2)
    {
        var (kernel, driver, procs, root) = Build(v2);
        var task = _sleepers.Start();
        var pid = task.Id.ToString(CultureInfo.InvariantCulture);
        kernel.Write(procs, pid);
        kernel.AfterRead = path =>
        {
            if (path == procs)
            {
                kernel.AfterRead = null;
                kernel.Write(root, pid);
            }
        };

        driver.KillAll("web");

        Assert.Null(kernel.AfterRead);
        Assert.False(task.WaitForExit(TimeSpan.FromMilliseconds(200)), "a task that had left the group was killed");
        Assert.Contains(pid, File.ReadAllLines(root));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void KillAll_TaskStillInTheGroup_Killed(bool v2)
    {
        var (kernel, driver, procs, _) = Build(v2);
        var task = _sleepers.Start();
        kernel.Write(procs, task.Id.ToString(CultureInfo.InvariantCulture));

        driver.KillAll("web");

        Assert.True(task.WaitForExit(TimeSpan.FromSeconds(10)), "the task in the group was not killed");
    }

    /// <summary>A v1 hierarchy or a v2 one without <c>cgroup.kill</c>, the group <c>web</c>, its procs file and its hierarchy root's.</summary>
    private (FixtureKernel Kernel, CgroupDriver Driver, string Procs, string Root) Build(bool v2)
    {
        var kernel = new FixtureKernel(_tree.Root) { CgroupKill = false };
        CgroupLayout layout;
        string mount;
        if (v2)
        {
            mount = kernel.MountCgroup2("/cgroup");
            layout = new CgroupLayout(CgroupMode.V2, new Dictionary<string, string>(), mount);
        }
        else
        {
            mount = kernel.MountCgroup("/cpuset", "cpuset");
            layout = new CgroupLayout(CgroupMode.V1, new Dictionary<string, string> { ["cpuset"] = mount, ["memory"] = kernel.MountCgroup("/memory", "memory") }, null);
        }

        var driver = CgroupDriver.For(kernel, layout, Prefix);
        driver.Warnings = static _ => { };
        driver.EnsureParent(CpuSet.Parse("0-3"), "0");
        driver.Create("web", CpuSet.Parse("1-2"), "0", ByteSize.Parse("1G"));
        return (kernel, driver, Path.Combine(mount, Prefix, "web", "cgroup.procs"), Path.Combine(mount, "cgroup.procs"));
    }
}
