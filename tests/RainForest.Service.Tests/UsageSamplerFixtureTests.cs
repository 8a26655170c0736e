using System.Globalization;
using RainForest.Core;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Fixtures;

namespace RainForest.Service.Tests;

/// <summary>The usage the metrics sample, read from fixture cgroup v1 and v2 trees (exact files, no root needed).</summary>
public sealed class UsageSamplerFixtureTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rf-svc-usage-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ReadUsage_V2_ReadsCpuStatMemoryEventsAndPids()
    {
        var kernel = new FixtureKernel(_root);
        var mount = kernel.MountCgroup2("/sys/fs/cgroup");
        var driver = CgroupDriver.For(kernel, new CgroupLayout(CgroupMode.V2, new Dictionary<string, string>(), mount), "rf-usage");
        driver.EnsureParent(CpuSet.Parse("1-3"), "0");
        driver.Create("web", CpuSet.Parse("1"), "0", ByteSize.FromMiB(256));
        var dir = Path.Combine(mount, "rf-usage", "web");
        File.WriteAllText(Path.Combine(dir, "cpu.stat"), "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\nnr_periods 10\nnr_throttled 2\nthrottled_usec 125000\n");
        File.WriteAllText(Path.Combine(dir, "memory.current"), "104857600\n");
        File.WriteAllText(Path.Combine(dir, "memory.events"), "low 0\nhigh 0\nmax 7\noom 2\noom_kill 1\noom_group_kill 0\n");
        File.WriteAllText(Path.Combine(dir, "pids.current"), "12\n");

        var usage = driver.ReadUsage("web");

        Assert.Equal(2.5, usage.CpuSeconds);
        Assert.Equal(0.125, usage.ThrottledSeconds);
        Assert.Equal(256L * 1024 * 1024, usage.MemoryLimitBytes);
        Assert.Equal(104857600, usage.MemoryUsageBytes);
        Assert.Equal(7, usage.MemoryFailures);
        Assert.Equal(1, usage.OomKills);
        Assert.Equal(12, usage.PidsCurrent);
    }

    [Fact]
    public void ReadUsage_V2_WithoutTheCpuController_HasNoThrottling()
    {
        var kernel = new FixtureKernel(_root);
        var mount = kernel.MountCgroup2("/sys/fs/cgroup", "cpuset memory pids");
        var driver = CgroupDriver.For(kernel, new CgroupLayout(CgroupMode.V2, new Dictionary<string, string>(), mount), "rf-usage");
        driver.EnsureParent(CpuSet.Parse("1-3"), "0");
        driver.Create("web", CpuSet.Parse("1"), "0", ByteSize.FromMiB(256));
        File.WriteAllText(Path.Combine(mount, "rf-usage", "web", "cpu.stat"), "usage_usec 1000\nuser_usec 600\nsystem_usec 400\n");

        var usage = driver.ReadUsage("web");

        Assert.Equal(0.001, usage.CpuSeconds);
        Assert.Null(usage.ThrottledSeconds);
    }

    [Fact]
    public void ReadUsage_V1_ReadsFailcntOomControlPids_AndItsProcessesCpuTime()
    {
        var kernel = new FixtureKernel(_root);
        var mounts = new[] { "cpuset", "memory", "pids" }.ToDictionary(c => c, c => kernel.MountCgroup("/sys/fs/cgroup/" + c, c), StringComparer.Ordinal);
        var driver = CgroupDriver.For(kernel, new CgroupLayout(CgroupMode.V1, mounts, null), "rf-usage");
        driver.EnsureParent(CpuSet.Parse("1-3"), "0");
        driver.Create("web", CpuSet.Parse("1"), "0", ByteSize.FromMiB(256));
        driver.SetPids("web", 500);
        var memory = Path.Combine(mounts["memory"], "rf-usage", "web");
        File.WriteAllText(Path.Combine(memory, "memory.usage_in_bytes"), "52428800\n");
        File.WriteAllText(Path.Combine(memory, "memory.failcnt"), "3\n");
        File.WriteAllText(Path.Combine(memory, "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        File.WriteAllText(Path.Combine(mounts["pids"], "rf-usage", "web", "pids.current"), "4\n");

        // The fixture counts a pid as a task only while that process lives: this test's own.
        var pid = Environment.ProcessId;
        kernel.Write(Path.Combine(mounts["cpuset"], "rf-usage", "web", "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(kernel.PathOf($"/proc/{pid}"));

        // utime 150, stime 50, cutime 200, cstime 100 ticks: 5 s at 100 ticks a second.
        File.WriteAllText(kernel.PathOf($"/proc/{pid}/stat"), $"{pid} (rf agent) S 1 1 1 0 -1 4194560 100 0 0 0 150 50 200 100 20 0 1 0 12345 0 0\n");

        var usage = driver.ReadUsage("web");

        Assert.Equal(5.0, usage.CpuSeconds);
        Assert.Null(usage.ThrottledSeconds);
        Assert.Equal(256L * 1024 * 1024, usage.MemoryLimitBytes);
        Assert.Equal(52428800, usage.MemoryUsageBytes);
        Assert.Equal(3, usage.MemoryFailures);
        Assert.Equal(2, usage.OomKills);
        Assert.Equal(4, usage.PidsCurrent);
        Assert.Equal(500, usage.PidsLimit);
    }
}
