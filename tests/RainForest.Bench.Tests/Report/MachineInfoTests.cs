using RainForest.Bench.Report;

namespace RainForest.Bench.Tests.Report;

public class MachineInfoTests
{
    [Fact]
    public void Detect_FixtureTree_ReadsEveryField()
    {
        using var temp = new TempDirectory();
        var proc = temp.Combine("proc");
        var sys = temp.Combine("sys");
        Directory.CreateDirectory(Path.Combine(proc, "sys/kernel"));
        Directory.CreateDirectory(Path.Combine(sys, "fs/cgroup/unified"));
        Directory.CreateDirectory(Path.Combine(sys, "devices/system/node/node0"));
        Directory.CreateDirectory(Path.Combine(sys, "devices/system/node/node1"));
        Directory.CreateDirectory(Path.Combine(sys, "devices/system/node/power"));
        File.WriteAllText(Path.Combine(sys, "fs/cgroup/unified/cgroup.controllers"), "");

        // Two packages of two cores with two threads each.
        var cpuinfo = new System.Text.StringBuilder();
        var n = 0;
        foreach (var package in new[] { 0, 1 })
        {
            foreach (var core in new[] { 0, 1 })
            {
                for (var thread = 0; thread < 2; thread++)
                {
                    cpuinfo.Append($"processor\t: {n++}\nmodel name\t: Intel(R) Xeon(R) CPU E5645 @ 2.40GHz\nphysical id\t: {package}\ncore id\t\t: {core}\n\n");
                }
            }
        }

        File.WriteAllText(Path.Combine(proc, "cpuinfo"), cpuinfo.ToString());
        File.WriteAllText(Path.Combine(proc, "meminfo"), "MemTotal:       32768000 kB\nMemFree:        1000 kB\n");
        File.WriteAllText(Path.Combine(proc, "sys/kernel/osrelease"), "6.1.0-18-amd64\n");

        var info = MachineInfo.Detect(proc, sys, "s-a");

        Assert.Equal(new MachineInfo
        {
            CpuModel = "Intel(R) Xeon(R) CPU E5645 @ 2.40GHz",
            Cores = 4,
            Threads = 8,
            NumaNodes = 2,
            MemoryBytes = 32768000L * 1024,
            Kernel = "6.1.0-18-amd64",
            CgroupMode = "hybrid",
            Hostname = "s-a",
        }, info);
    }

    [Fact]
    public void ParseCpuInfo_NoCoreIds_CountsThreadsAsCores()
    {
        var (model, cores, threads) = MachineInfo.ParseCpuInfo("processor : 0\nmodel name : vcpu\n\nprocessor : 1\nmodel name : vcpu\n");

        Assert.Equal(("vcpu", 2, 2), (model, cores, threads));
    }

    [Theory]
    [InlineData(new[] { "cgroup.controllers" }, "v2")]
    [InlineData(new[] { "unified/cgroup.controllers", "cpu/tasks" }, "hybrid")]
    [InlineData(new[] { "cpu/tasks", "memory/tasks" }, "v1")]
    public void DetectCgroupMode_Layouts(string[] files, string expected)
    {
        using var temp = new TempDirectory();
        foreach (var file in files)
        {
            var path = temp.Combine(file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "");
        }

        Assert.Equal(expected, MachineInfo.DetectCgroupMode(temp.Path));
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
