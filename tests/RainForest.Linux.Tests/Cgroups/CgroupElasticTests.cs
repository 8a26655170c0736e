using System.Diagnostics;
using System.Globalization;
using RainForest.Core;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Fixtures;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>Parking (the freezer) and a donor's CPU quota on both cgroup versions, through fixture kernels.</summary>
public sealed class CgroupElasticTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private CgroupDriver V1(params string[] extra)
    {
        var kernel = new FixtureKernel(_tree.Root) { Cpus = CpuSet.Parse("0-7") };
        var mounts = new[] { "cpuset", "memory", "pids" }.Concat(extra).ToDictionary(c => c, c => kernel.MountCgroup("/" + c, c), StringComparer.Ordinal);
        var driver = CgroupDriver.For(kernel, new CgroupLayout(CgroupMode.V1, mounts, null), "rf-test");
        driver.EnsureParent(CpuSet.Parse("0-3"), "0");
        driver.Create("batch", CpuSet.Parse("1-2"), "0", ByteSize.Parse("256M"));
        return driver;
    }

    private (CgroupDriver Driver, string Mount) V2(string controllers = "cpuset cpu io memory pids")
    {
        var kernel = new FixtureKernel(_tree.Root) { Cpus = CpuSet.Parse("0-7") };
        var mount = kernel.MountCgroup2("/cgroup", controllers);
        var driver = CgroupDriver.For(kernel, new CgroupLayout(CgroupMode.V2, new Dictionary<string, string>(), mount), "rf-test");
        driver.EnsureParent(CpuSet.Parse("0-3"), "0");
        driver.Create("batch", CpuSet.Parse("1-2"), "0", ByteSize.Parse("256M"));
        return (driver, mount);
    }

    [Fact]
    public void V1_FreezeAndThaw_WritesFreezerState()
    {
        var driver = V1("freezer", "cpu");
        Assert.Equal(false, driver.ReadFrozen("batch"));
        Assert.True(driver.SetFrozen("batch", true));
        Assert.Equal("FROZEN", _tree.Read("freezer/rf-test/batch/freezer.state"));
        Assert.Equal(true, driver.ReadFrozen("batch"));
        Assert.True(driver.SetFrozen("batch", false));
        Assert.Equal(false, driver.ReadFrozen("batch"));

        // The agent joins the freezer and cpu groups with the others, so everything it starts is parked with it.
        Assert.Contains(driver.ProcsFiles("batch"), f => f.EndsWith("freezer/rf-test/batch/cgroup.procs", StringComparison.Ordinal));
        Assert.Contains(driver.ProcsFiles("batch"), f => f.EndsWith("cpu/rf-test/batch/cgroup.procs", StringComparison.Ordinal));
    }

    [Fact]
    public void V1_CpuQuota_WritesPeriodAndQuota_AndLifts()
    {
        var driver = V1("freezer", "cpu");
        Assert.Null(driver.ReadCpuQuota("batch"));
        Assert.True(driver.SetCpuQuota("batch", 0.75));
        Assert.Equal("100000", _tree.Read("cpu/rf-test/batch/cpu.cfs_period_us"));
        Assert.Equal("75000", _tree.Read("cpu/rf-test/batch/cpu.cfs_quota_us"));
        Assert.Equal(0.75, driver.ReadCpuQuota("batch"));

        // Below the kernel's 1 ms the quota is the minimum.
        Assert.True(driver.SetCpuQuota("batch", 0.001));
        Assert.Equal("1000", _tree.Read("cpu/rf-test/batch/cpu.cfs_quota_us"));
        Assert.True(driver.SetCpuQuota("batch", null));
        Assert.Equal("-1", _tree.Read("cpu/rf-test/batch/cpu.cfs_quota_us"));
        Assert.Null(driver.ReadCpuQuota("batch"));
    }

    [Fact]
    public void V1_WithoutFreezerOrCpuHierarchy_SaysSo()
    {
        var driver = V1();
        Assert.False(driver.SetFrozen("batch", true));
        Assert.Null(driver.ReadFrozen("batch"));
        Assert.False(driver.SetCpuQuota("batch", 0.5));
        Assert.Null(driver.ReadCpuQuota("batch"));
    }

    [Fact]
    public void V2_FreezeAndThaw_WritesCgroupFreeze()
    {
        var (driver, mount) = V2();
        Assert.Equal(false, driver.ReadFrozen("batch"));
        Assert.True(driver.SetFrozen("batch", true));
        Assert.Equal("1", File.ReadAllText(Path.Combine(mount, "rf-test/batch/cgroup.freeze")));
        Assert.Equal(true, driver.ReadFrozen("batch"));
        Assert.True(driver.SetFrozen("batch", false));
        Assert.Equal(false, driver.ReadFrozen("batch"));
    }

    [Fact]
    public void V2_CpuQuota_EnablesTheCpuControllerOnFirstUse()
    {
        var (driver, mount) = V2();

        // Not enabled at init or create: only the quota needs it.
        Assert.DoesNotContain("cpu", File.ReadAllText(Path.Combine(mount, "rf-test/cgroup.subtree_control")).Split(' '));
        Assert.True(driver.SetCpuQuota("batch", 1.5));
        Assert.Equal("150000 100000", File.ReadAllText(Path.Combine(mount, "rf-test/batch/cpu.max")));
        Assert.Equal(1.5, driver.ReadCpuQuota("batch"));
        Assert.True(driver.SetCpuQuota("batch", null));
        Assert.Equal("max 100000", File.ReadAllText(Path.Combine(mount, "rf-test/batch/cpu.max")));
        Assert.Null(driver.ReadCpuQuota("batch"));
    }

    [Fact]
    public void V2_NoCpuController_SaysSo()
    {
        var (driver, _) = V2("cpuset memory pids");
        Assert.False(driver.SetCpuQuota("batch", 0.5));
    }

    [Fact]
    public void V1_CpuIdle_WritesAndReadsBack()
    {
        var driver = V1("freezer", "cpu");
        Assert.Equal(false, driver.ReadCpuIdle("batch"));
        Assert.True(driver.SetCpuIdle("batch", true));
        Assert.Equal("1", _tree.Read("cpu/rf-test/batch/cpu.idle"));
        Assert.Equal(true, driver.ReadCpuIdle("batch"));
        Assert.True(driver.SetCpuIdle("batch", false));
        Assert.Equal(false, driver.ReadCpuIdle("batch"));
    }

    [Fact]
    public void V1_CpuIdle_MovesTheTasksBelowARootLevelIdleGroup_AndBack()
    {
        var kernel = new FixtureKernel(_tree.Root) { Cpus = CpuSet.Parse("0-7") };
        var mounts = new[] { "cpuset", "memory", "pids", "cpu" }.ToDictionary(c => c, c => kernel.MountCgroup("/" + c, c), StringComparer.Ordinal);
        var driver = CgroupDriver.For(kernel, new CgroupLayout(CgroupMode.V1, mounts, null), "rf-test");
        driver.EnsureParent(CpuSet.Parse("0-3"), "0");
        driver.Create("batch", CpuSet.Parse("1-2"), "0", ByteSize.Parse("256M"));
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        var pid = sleeper.Id.ToString(CultureInfo.InvariantCulture);
        try
        {
            foreach (var procs in driver.ProcsFiles("batch"))
            {
                kernel.Write(procs, pid);
            }

            Assert.True(driver.SetCpuQuota("batch", 0.5));
            Assert.True(driver.SetCpuIdle("batch", true));

            // Idle at the root, beside the prefix group: only there does the class rank it below the host's tasks.
            Assert.Equal("1", _tree.Read("cpu/rf-test.idle/cpu.idle"));
            Assert.Equal(pid, _tree.Read("cpu/rf-test.idle/batch/cgroup.procs")?.Trim());
            Assert.Equal(string.Empty, _tree.Read("cpu/rf-test/batch/cgroup.procs")?.Trim());
            Assert.Equal("1", _tree.Read("cpu/rf-test/batch/cpu.idle"));
            Assert.Equal(pid, _tree.Read("memory/rf-test/batch/cgroup.procs")?.Trim());
            Assert.Equal("50000", _tree.Read("cpu/rf-test.idle/batch/cpu.cfs_quota_us"));
            Assert.Equal(true, driver.ReadCpuIdle("batch"));
            Assert.Contains(driver.ProcsFiles("batch"), f => f.EndsWith("cpu/rf-test.idle/batch/cgroup.procs", StringComparison.Ordinal));
            Assert.Contains(sleeper.Id, driver.Pids("batch"));

            // A quota changed while sharing binds the tasks where they are.
            Assert.True(driver.SetCpuQuota("batch", 0.25));
            Assert.Equal("25000", _tree.Read("cpu/rf-test.idle/batch/cpu.cfs_quota_us"));

            // A task left behind (an rfm killed halfway) reads as not idle, and setting it again moves it.
            kernel.Write(_tree.PathTo("cpu/rf-test/batch/cgroup.procs"), pid);
            Assert.Equal(false, driver.ReadCpuIdle("batch"));
            Assert.True(driver.SetCpuIdle("batch", true));
            Assert.Equal(true, driver.ReadCpuIdle("batch"));

            Assert.True(driver.SetCpuIdle("batch", false));
            Assert.Equal(pid, _tree.Read("cpu/rf-test/batch/cgroup.procs")?.Trim());
            Assert.False(Directory.Exists(_tree.PathTo("cpu/rf-test.idle/batch")));
            Assert.Equal("0", _tree.Read("cpu/rf-test/batch/cpu.idle"));
            Assert.Equal(false, driver.ReadCpuIdle("batch"));

            // Destroying an idle borrower kills its task and removes its idle group; the last one out removes the
            // root-level group. (The fixture lists the task only while this test's sleep runs, so the removal's
            // retried kill cannot reach a process that took its pid after it ended.)
            Assert.True(driver.SetCpuIdle("batch", true));
            Assert.Equal(["batch"], driver.Children());
            driver.Remove("batch", TimeSpan.FromSeconds(10));
            Assert.True(sleeper.WaitForExit(TimeSpan.FromSeconds(10)), "the idle group's task was not killed");
            Assert.False(Directory.Exists(_tree.PathTo("cpu/rf-test.idle/batch")));
            driver.RemoveParentIfEmpty();
            Assert.False(Directory.Exists(_tree.PathTo("cpu/rf-test.idle")));
        }
        finally
        {
            if (!sleeper.HasExited)
            {
                sleeper.Kill();
            }
        }
    }

    [Fact]
    public void V1_CpuIdle_WithoutCpuHierarchy_SaysSo()
    {
        var driver = V1();
        Assert.False(driver.SetCpuIdle("batch", true));
        Assert.Null(driver.ReadCpuIdle("batch"));
    }

    [Fact]
    public void V2_CpuIdle_EnablesTheCpuControllerOnFirstUse()
    {
        var (driver, mount) = V2();
        Assert.True(driver.SetCpuIdle("batch", true));
        Assert.Equal("1", File.ReadAllText(Path.Combine(mount, "rf-test/batch/cpu.idle")));
        Assert.Equal(true, driver.ReadCpuIdle("batch"));
        Assert.True(driver.SetCpuIdle("batch", false));
        Assert.Equal(false, driver.ReadCpuIdle("batch"));
    }

    [Fact]
    public void V2_CpuIdle_NoCpuController_SaysSo()
    {
        var (driver, _) = V2("cpuset memory pids");
        Assert.False(driver.SetCpuIdle("batch", true));
    }
}
