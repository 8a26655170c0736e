using System.Reflection;
using RainForest.Bench.Report;

namespace RainForest.Bench.Tests.Report;

public class MachineInfoTests
{
    private static string Fixture(string name) =>
        Path.Combine(typeof(MachineInfoTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FixturesDir").Value!, "machines", name);

    [Fact]
    public void Detect_SaFixture_ReadsTheTopologyReadersAnswers()
    {
        // The paper's S-A server: two Xeon E5645 packages of six cores with two threads each, 32 GiB.
        var info = MachineInfo.Detect(Fixture("s-a"), "s-a");

        Assert.Equal(new MachineInfo
        {
            CpuModel = "Intel(R) Xeon(R) CPU           E5645  @ 2.40GHz",
            Cores = 12,
            Threads = 24,
            NumaNodes = 2,
            MemoryBytes = 33554432L * 1024,
            Kernel = "4.9.40",

            // The fixture holds no /proc/self/mounts.
            CgroupMode = "unknown",
            Hostname = "s-a",
        }, info);
    }

    [Theory]
    [InlineData("cgroup /sys/fs/cgroup/cpuset cgroup rw,cpuset 0 0\ncgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n", "v1")]
    [InlineData("cgroup /sys/fs/cgroup/cpuset cgroup rw,cpuset 0 0\ncgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n", "hybrid")]
    [InlineData("cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n", "v2")]
    public void Detect_CgroupMounts_NamesTheLayoutAsTheSupervisorSeesIt(string mounts, string expected)
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("proc/self"));
        File.WriteAllText(temp.Combine("proc/self/mounts"), mounts);
        Directory.CreateDirectory(temp.Combine("sys/fs/cgroup"));
        File.WriteAllText(temp.Combine("sys/fs/cgroup/cgroup.controllers"), "cpuset cpu io memory pids\n");

        var info = MachineInfo.Detect(temp.Path, "x");

        Assert.Equal(expected, info.CgroupMode);

        // No CPU tree: the topology part stays unknown rather than failing the run.
        Assert.Equal(("unknown", 0, 0), (info.CpuModel, info.Threads, info.MemoryBytes));
    }

    [Fact]
    public void Detect_ThisMachine_FindsSomething()
    {
        var info = MachineInfo.Detect();

        Assert.True(info.Threads >= 1);
        Assert.True(info.MemoryBytes > 0);
        Assert.NotEqual("unknown", info.Kernel);
        Assert.Contains(info.CgroupMode, new[] { "v1", "hybrid", "v2" });
    }
}
