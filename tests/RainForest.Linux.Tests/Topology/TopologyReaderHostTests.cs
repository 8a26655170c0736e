using RainForest.Core;
using RainForest.Linux.Topology;

namespace RainForest.Linux.Tests.Topology;

/// <summary>Reads the machine the tests run on; only sanity can be checked, not exact values.</summary>
public class TopologyReaderHostTests
{
    [Fact]
    public void Read_ThisMachine_IsSane()
    {
        var t = TopologyReader.Read();

        var online = CpuSet.Parse(File.ReadAllText("/sys/devices/system/cpu/online"));
        Assert.Equal(online, t.OnlineCpus);
        Assert.NotEmpty(t.OnlineCpus);
        Assert.True(t.MemTotalBytes > 0);
        Assert.InRange(t.MemAvailableBytes, 0, t.MemTotalBytes);
        Assert.True(t.Packages >= 1);
        Assert.InRange(t.Cores, 1, online.Count);
        Assert.True(t.ThreadsPerCore >= 1);
        Assert.NotEmpty(t.NumaNodes);
        Assert.All(t.Cpus.Where(c => c.Online), c =>
        {
            Assert.True(CpuSet.Parse(c.SmtSiblings).Contains(c.Id));
            Assert.True(CpuSet.Parse(c.LlcGroup).Contains(c.Id));
        });
        Assert.True(t.FirstCorePerNode().IsSubsetOf(CpuSet.Of(t.Cpus.Select(c => c.Id))));
        Assert.Contains(t.NetworkInterfaces, n => n.Name == "lo" && !n.IsPhysical);
    }
}
