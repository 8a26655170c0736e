using RainForest.Core;
using RainForest.Core.Topology;
using RainForest.Linux.Topology;

namespace RainForest.Linux.Tests.Topology;

public class TopologyReaderFixtureTests
{
    private const long DiskBytes = 1953525168L * 512;

    private static MachineTopology Read(string name) => TopologyReader.Read(MachineFixture.PathOf(name));

    [Fact]
    public void Read_SA_CountsCpusCoresAndPackages()
    {
        var t = Read("s-a");

        Assert.Equal(24, t.Cpus.Count);
        Assert.Equal("0-23", t.OnlineCpus.ToString());
        Assert.Equal(2, t.Packages);
        Assert.Equal(12, t.Cores);
        Assert.Equal(2, t.ThreadsPerCore);
        Assert.Equal(Enumerable.Range(0, 24), t.Cpus.Select(c => c.Id));
        Assert.All(t.Cpus, c => Assert.True(c.Online));
        Assert.Equal("Intel(R) Xeon(R) CPU           E5645  @ 2.40GHz", t.CpuModel);
        Assert.Equal("4.9.40", t.KernelRelease);
    }

    [Theory]
    [InlineData(0, 0, 0, 0, "0,12", "0-5,12-17")]
    [InlineData(3, 8, 0, 0, "3,15", "0-5,12-17")]
    [InlineData(6, 0, 1, 1, "6,18", "6-11,18-23")]
    [InlineData(12, 0, 0, 0, "0,12", "0-5,12-17")]
    [InlineData(23, 10, 1, 1, "11,23", "6-11,18-23")]
    public void Read_SA_CpuHasSiblingsCacheAndNode(int id, int core, int package, int node, string siblings, string llc)
    {
        var cpu = Read("s-a").Cpus.Single(c => c.Id == id);

        Assert.Equal(new CpuInfo(id, core, package, node, siblings, llc, true), cpu);
    }

    [Fact]
    public void Read_SA_HasTwoNodesOf16GiB()
    {
        var t = Read("s-a");

        Assert.Equal([0, 1], t.NumaNodes.Select(n => n.Id));
        Assert.All(t.NumaNodes, n => Assert.Equal(16 * ByteSize.GiB, n.MemTotalBytes));
        Assert.All(t.NumaNodes, n => Assert.InRange(n.MemFreeBytes, 1, n.MemTotalBytes));
        Assert.Equal("0-5,12-17", t.NumaNodes[0].Cpus);
        Assert.Equal("6-11,18-23", t.NumaNodes[1].Cpus);
        Assert.Equal("6-11,18-23", t.CpuSetOf(1).ToString());
        Assert.True(t.CpuSetOf(7).IsEmpty);
        Assert.Equal(32 * ByteSize.GiB, t.MemTotalBytes);
        Assert.InRange(t.MemAvailableBytes, 1, t.MemTotalBytes);
    }

    [Fact]
    public void Read_SA_FindsEightIgbNicsWithIrqsOnBothNodes()
    {
        var t = Read("s-a");
        var nics = t.NetworkInterfaces.Where(n => n.IsPhysical).ToList();

        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"eth{i}"), nics.Select(n => n.Name));
        Assert.All(nics, n =>
        {
            Assert.Equal("igb", n.Driver);
            Assert.Equal(5, n.Irqs.Count);
            Assert.Equal(1500, n.Mtu);
            Assert.Equal("up", n.OperState);
            Assert.Matches("^00:1b:21:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$", n.Mac);
        });
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], nics.Select(n => n.NumaNode));
        Assert.Equal(new NetworkInterfaceInfo("eth0", true, "igb", "00:1b:21:3b:00:00", 1500, "up", [], "0000:01:00.0", 0), nics[0] with { Irqs = [] });
        Assert.Equal([64, 65, 66, 67, 68], nics[0].Irqs);
        Assert.Equal("0000:81:00.3", nics[7].PciAddress);
        Assert.Equal([99, 100, 101, 102, 103], nics[7].Irqs);

        // Vectors are never shared between ports.
        Assert.Equal(40, nics.SelectMany(n => n.Irqs).Distinct().Count());
    }

    [Fact]
    public void Read_SA_LoopbackIsNotPhysical()
    {
        var lo = Read("s-a").NetworkInterfaces.Single(n => n.Name == "lo");

        Assert.Equal(new NetworkInterfaceInfo("lo", false, null, "00:00:00:00:00:00", 65536, "unknown", lo.Irqs, null, -1), lo);
        Assert.Empty(lo.Irqs);
    }

    [Fact]
    public void Read_SA_FindsEightRotationalDisksAndVirtualLoops()
    {
        var t = Read("s-a");
        var disks = t.BlockDevices.Where(b => !b.IsVirtual).ToList();

        Assert.Equal(["sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg", "sdh"], disks.Select(d => d.Name));
        Assert.All(disks, d => Assert.Equal(new BlockDeviceInfo(d.Name, DiskBytes, true, false, false), d));
        Assert.Equal(["loop0", "loop1"], t.BlockDevices.Where(b => b.IsVirtual).Select(b => b.Name));
    }

    [Fact]
    public void Read_SA_ListsPciFunctionsWithDriversAndVectors()
    {
        var t = Read("s-a");

        Assert.Equal(15, t.PciDevices.Count);
        var nic = t.PciDevices.Single(p => p.Address == "0000:01:00.0");
        Assert.Equal(new PciDeviceInfo("0000:01:00.0", "0x8086", "0x150e", "0x020000", "igb", 0, nic.Irqs), nic);
        Assert.Equal([64, 65, 66, 67, 68], nic.Irqs);

        var sas = t.PciDevices.Single(p => p.Address == "0000:03:00.0");
        Assert.Equal("mptsas", sas.Driver);
        Assert.Equal([16], sas.Irqs);

        var hostBridge = t.PciDevices.Single(p => p.Address == "0000:00:00.0");
        Assert.Null(hostBridge.Driver);
        Assert.Empty(hostBridge.Irqs);
        Assert.Equal(8, t.PciDevices.Count(p => p.Class == "0x020000"));
    }

    [Fact]
    public void FirstCorePerNode_SA_TakesBothThreadsOfCpu0AndCpu6()
    {
        Assert.Equal("0,6,12,18", Read("s-a").FirstCorePerNode().ToString());
    }

    [Fact]
    public void Read_SB_CountsCpusCoresAndPackages()
    {
        var t = Read("s-b");

        Assert.Equal(80, t.Cpus.Count);
        Assert.Equal(4, t.Packages);
        Assert.Equal(40, t.Cores);
        Assert.Equal(2, t.ThreadsPerCore);
        Assert.Equal("Intel(R) Xeon(R) CPU E7- 8870  @ 2.40GHz", t.CpuModel);

        var cpu0 = t.Cpus[0];
        Assert.Equal("0,40", cpu0.SmtSiblings);
        Assert.Equal("0-9,40-49", cpu0.LlcGroup);
        var cpu79 = t.Cpus[79];
        Assert.Equal(new CpuInfo(79, 25, 3, 3, "39,79", "30-39,70-79", true), cpu79);
    }

    [Fact]
    public void Read_SB_HasFourNodesAndOneTiB()
    {
        var t = Read("s-b");

        Assert.Equal([0, 1, 2, 3], t.NumaNodes.Select(n => n.Id));
        Assert.All(t.NumaNodes, n => Assert.Equal(256 * ByteSize.GiB, n.MemTotalBytes));
        Assert.Equal(1L << 40, t.MemTotalBytes);
        Assert.Equal(["0-9,40-49", "10-19,50-59", "20-29,60-69", "30-39,70-79"], t.NumaNodes.Select(n => n.Cpus));
        Assert.Equal("0,10,20,30,40,50,60,70", t.FirstCorePerNode().ToString());
    }

    [Fact]
    public void Read_SB_SpreadsTwoNicsPerNodeAndEightDisks()
    {
        var t = Read("s-b");
        var nics = t.NetworkInterfaces.Where(n => n.IsPhysical).ToList();

        Assert.Equal(8, nics.Count);
        Assert.All(nics, n => Assert.Equal("igb", n.Driver));
        Assert.All(nics, n => Assert.NotEmpty(n.Irqs));
        Assert.Equal([0, 0, 1, 1, 2, 2, 3, 3], nics.Select(n => n.NumaNode));
        Assert.Equal(8, t.BlockDevices.Count(b => !b.IsVirtual && b.Rotational && b.SizeBytes == DiskBytes));
    }

    [Fact]
    public void Read_ThisVm_MatchesTheCapture()
    {
        var t = Read("this-vm");

        Assert.Equal(2, t.Cpus.Count);
        Assert.Equal("0-1", t.OnlineCpus.ToString());
        Assert.Equal(1, t.Packages);
        Assert.Equal(2, t.Cores);
        Assert.Equal(1, t.ThreadsPerCore);

        // This VM exposes no cache directory: the LLC falls back to the package.
        Assert.Equal(new CpuInfo(1, 1, 0, 0, "1", "0-1", true), t.Cpus[1]);
        Assert.Equal("0", t.FirstCorePerNode().ToString());
        var node = Assert.Single(t.NumaNodes);
        Assert.Equal("0-1", node.Cpus);
        Assert.Equal(4679456L * 1024, node.MemTotalBytes);
        Assert.Equal(24683620L * 1024, t.MemTotalBytes);
        Assert.Equal("AMD EPYC", t.CpuModel);
        Assert.Equal("6.18.44-fc-v782", t.KernelRelease);
    }

    [Fact]
    public void Read_ThisVm_FindsVirtioNicThroughItsPciFunction()
    {
        var t = Read("this-vm");

        var eth0 = t.NetworkInterfaces.Single(n => n.Name == "eth0");
        Assert.True(eth0.IsPhysical);
        Assert.Equal("virtio_net", eth0.Driver);
        Assert.Equal("0000:00:03.0", eth0.PciAddress);
        Assert.Equal([37, 38, 39], eth0.Irqs);
        Assert.Equal(-1, eth0.NumaNode);
        Assert.Equal(1400, eth0.Mtu);
        Assert.Equal(["eth0", "ifb0", "ifb1", "lo"], t.NetworkInterfaces.Select(n => n.Name));
        Assert.Equal(["eth0"], t.NetworkInterfaces.Where(n => n.IsPhysical).Select(n => n.Name));
    }

    [Fact]
    public void Read_ThisVm_TellsTheVirtioDiskFromLoopAndZram()
    {
        var t = Read("this-vm");

        var vda = t.BlockDevices.Single(b => !b.IsVirtual);
        Assert.Equal(new BlockDeviceInfo("vda", 536870912L * 512, true, false, false), vda);
        Assert.Equal(9, t.BlockDevices.Count(b => b.IsVirtual));
        Assert.Equal(6, t.PciDevices.Count);
        Assert.Equal("virtio-pci", t.PciDevices.Single(p => p.Address == "0000:00:03.0").Driver);
    }
}
