using System.Text.Json;
using RainForest.Core;
using RainForest.Core.Topology;
using RainForest.Linux.Topology;

namespace RainForest.Linux.Tests.Topology;

public class MachineTopologyTests
{
    private static MachineTopology Read(string name) => TopologyReader.Read(MachineFixture.PathOf(name));

    private static MachineTopology Smt(params (int Id, int Core, int Node, bool Online)[] cpus) => new()
    {
        Cpus = [.. cpus.Select(c => new CpuInfo(
            c.Id, c.Core, 0, c.Node,
            CpuSet.Of(cpus.Where(o => o.Core == c.Core).Select(o => o.Id)).ToString(), "0-7", c.Online))],
        NumaNodes = [new NumaNodeInfo(0, "0-3", ByteSize.GiB, ByteSize.GiB), new NumaNodeInfo(1, "4-7", ByteSize.GiB, ByteSize.GiB)],
        MemTotalBytes = 2 * ByteSize.GiB,
        MemAvailableBytes = ByteSize.GiB,
    };

    [Fact]
    public void FirstCorePerNode_FirstCpuOffline_StartsAtFirstOnlineCpu()
    {
        var t = Smt((0, 0, 0, false), (1, 1, 0, true), (2, 0, 0, true), (3, 1, 0, true), (4, 2, 1, true), (5, 3, 1, true), (6, 2, 1, true), (7, 3, 1, true));

        Assert.Equal("1,3-4,6", t.FirstCorePerNode().ToString());
        Assert.Equal(4, t.Cores);
        Assert.Equal(2, t.ThreadsPerCore);
        Assert.Equal(1, t.Packages);
    }

    [Fact]
    public void Counts_NoCpuOnline_AreZero()
    {
        var t = Smt((0, 0, 0, false), (1, 0, 0, false));

        Assert.Equal(0, t.Packages);
        Assert.Equal(0, t.Cores);
        Assert.Equal(0, t.ThreadsPerCore);
        Assert.True(t.FirstCorePerNode().IsEmpty);
        Assert.True(t.OnlineCpus.IsEmpty);
    }

    [Fact]
    public void Counts_UnknownCoreIds_CountEachCpuAsACore()
    {
        var t = Smt((0, -1, 0, true), (1, -1, 0, true)) with
        {
            Cpus = [new CpuInfo(0, -1, -1, 0, "0", "0", true), new CpuInfo(1, -1, -1, 0, "1", "1", true)],
        };

        Assert.Equal(1, t.Packages);
        Assert.Equal(2, t.Cores);
        Assert.Equal(1, t.ThreadsPerCore);
    }

    [Fact]
    public void MachineKey_SameTree_IsStableAndDiffersBetweenMachines()
    {
        var a = Read("s-a");

        Assert.Matches("^[0-9a-f]{16}$", a.MachineKey);
        Assert.Equal(a.MachineKey, Read("s-a").MachineKey);
        Assert.NotEqual(a.MachineKey, Read("s-b").MachineKey);
        Assert.NotEqual(a.MachineKey, Read("this-vm").MachineKey);
    }

    [Fact]
    public void MachineKey_IgnoresFreeMemoryKernelAndSmallMemTotalDrift()
    {
        var a = Read("s-a");

        var drifted = a with { MemTotalBytes = a.MemTotalBytes - (40 * ByteSize.MiB), MemAvailableBytes = 5, KernelRelease = "6.1.0" };

        Assert.Equal(a.MachineKey, drifted.MachineKey);
        Assert.NotEqual(a.MachineKey, (a with { MemTotalBytes = a.MemTotalBytes / 2 }).MachineKey);
        Assert.NotEqual(a.MachineKey, (a with { CpuModel = "Other" }).MachineKey);
        Assert.NotEqual(a.MachineKey, (a with { Cpus = a.Cpus.Take(12).ToList() }).MachineKey);
    }

    [Fact]
    public void Describe_SA_SaysShapeMemoryNicsAndDisks()
    {
        Assert.Equal(
            "2 packages x 6 cores x 2 threads, 24 CPUs, 2 NUMA nodes, 32G. "
            + "CPU: Intel(R) Xeon(R) CPU E5645 @ 2.40GHz. Kernel 4.9.40. 8 physical NICs (igb x8), 8 disks (7.3T).",
            TopologySummary.Describe(Read("s-a")));
    }

    [Fact]
    public void Describe_SB_StartsWithTheShape()
    {
        Assert.StartsWith("4 packages x 10 cores x 2 threads, 80 CPUs, 4 NUMA nodes, 1T.", TopologySummary.Describe(Read("s-b")), StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_ThisVm_SingularsAndVirtio()
    {
        Assert.Equal(
            "1 package x 2 cores x 1 thread, 2 CPUs, 1 NUMA node, 23.5G. CPU: AMD EPYC. Kernel 6.18.44-fc-v782. "
            + "1 physical NIC (virtio_net x1), 1 disk (256G).",
            TopologySummary.Describe(Read("this-vm")));
    }

    [Fact]
    public void Describe_OfflineCpus_SaysHowManyAreOnline()
    {
        var t = Smt((0, 0, 0, true), (1, 1, 0, true), (2, 0, 0, true), (3, 1, 0, false));

        Assert.StartsWith("1 package x 2 cores x 2 threads, 4 CPUs (3 online), 2 NUMA nodes, 2G.", TopologySummary.Describe(t), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(32L << 30, "32G")]
    [InlineData(24683620L * 1024, "23.5G")]
    [InlineData((1L << 40) - (30L << 20), "1T")]
    [InlineData(972L << 30, "972G")]
    [InlineData(1536L << 20, "1.5G")]
    public void Describe_Memory_IsRoundedToOneDecimal(long bytes, string expected)
    {
        var t = Smt((0, 0, 0, true)) with { MemTotalBytes = bytes };

        Assert.Contains($", 2 NUMA nodes, {expected}.", TopologySummary.Describe(t), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_RoundTrip_KeepsCpulistsAsStrings()
    {
        var a = Read("s-a");

        var json = JsonSerializer.Serialize(a);
        var back = JsonSerializer.Deserialize<MachineTopology>(json)!;

        Assert.Contains("\"SmtSiblings\":\"0,12\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("OnlineCpus", json, StringComparison.Ordinal);
        Assert.Equal(a.Cpus, back.Cpus);
        Assert.Equal(a.NumaNodes, back.NumaNodes);
        Assert.Equal(a.BlockDevices, back.BlockDevices);
        Assert.Equal(a.NetworkInterfaces.Select(n => n with { Irqs = [] }), back.NetworkInterfaces.Select(n => n with { Irqs = [] }));
        Assert.Equal(a.NetworkInterfaces.SelectMany(n => n.Irqs), back.NetworkInterfaces.SelectMany(n => n.Irqs));
        Assert.Equal(a.MachineKey, back.MachineKey);
        Assert.Equal(TopologySummary.Describe(a), TopologySummary.Describe(back));
    }

    [Fact]
    public void Json_SourceGenerated_RoundTripsTheSameAsReflection()
    {
        var b = Read("s-b");

        var json = JsonSerializer.Serialize(b, TopologyJsonContext.Default.MachineTopology);
        var back = JsonSerializer.Deserialize(json, TopologyJsonContext.Default.MachineTopology)!;

        Assert.Equal(JsonSerializer.Serialize(b), json);
        Assert.Contains("\"MachineKey\":\"" + b.MachineKey + "\"", json, StringComparison.Ordinal);
        Assert.Equal(b.Cpus, back.Cpus);
        Assert.Equal(b.PciDevices.Select(p => p.Address), back.PciDevices.Select(p => p.Address));
        Assert.Equal(json, JsonSerializer.Serialize(back, TopologyJsonContext.Default.MachineTopology));
    }
}
