using RainForest.Core;
using RainForest.Linux.Topology;

namespace RainForest.Linux.Tests.Topology;

public class TopologyReaderDegradedTests
{
    private const string Cpu = "sys/devices/system/cpu";
    private const string Eth0Device = "sys/devices/pci0000:00/0000:00:03.0/0000:01:00.0";

    [Fact]
    public void Read_NoCacheDirectories_LlcFallsBackToPackage()
    {
        using var m = MachineFixture.Copy("s-a");
        for (var cpu = 0; cpu < 24; cpu++)
        {
            m.Delete($"{Cpu}/cpu{cpu}/cache");
        }

        var t = TopologyReader.Read(m.Root);

        Assert.Equal("0-5,12-17", t.Cpus[0].LlcGroup);
        Assert.Equal("6-11,18-23", t.Cpus[18].LlcGroup);
    }

    [Fact]
    public void Read_LlcIsHighestDataOrUnifiedCache_InstructionCacheIgnored()
    {
        using var m = MachineFixture.Copy("s-a");

        // A level-4 instruction cache must not win over the L3.
        m.Write($"{Cpu}/cpu0/cache/index4/level", "4\n");
        m.Write($"{Cpu}/cpu0/cache/index4/type", "Instruction\n");
        m.Write($"{Cpu}/cpu0/cache/index4/shared_cpu_list", "0-23\n");
        m.Delete($"{Cpu}/cpu1/cache/index3");

        var t = TopologyReader.Read(m.Root);

        Assert.Equal("0-5,12-17", t.Cpus[0].LlcGroup);
        Assert.Equal("1,13", t.Cpus[1].LlcGroup);
    }

    [Fact]
    public void Read_NoThreadSiblingsList_SiblingsComeFromCoreIds()
    {
        using var m = MachineFixture.Copy("s-a");
        for (var cpu = 0; cpu < 24; cpu++)
        {
            m.Delete($"{Cpu}/cpu{cpu}/topology/thread_siblings_list");
        }

        var t = TopologyReader.Read(m.Root);

        Assert.Equal("0,12", t.Cpus[0].SmtSiblings);
        Assert.Equal("11,23", t.Cpus[23].SmtSiblings);
        Assert.Equal("0,6,12,18", t.FirstCorePerNode().ToString());
    }

    [Fact]
    public void Read_NoNodeDirectory_EverythingIsNodeZeroWithProcMeminfoTotals()
    {
        using var m = MachineFixture.Copy("s-a");
        m.Delete("sys/devices/system/node");

        var t = TopologyReader.Read(m.Root);

        var node = Assert.Single(t.NumaNodes);
        Assert.Equal(0, node.Id);
        Assert.Equal("0-23", node.Cpus);
        Assert.Equal(32 * ByteSize.GiB, node.MemTotalBytes);
        Assert.Equal(31876096L * 1024, node.MemFreeBytes);
        Assert.All(t.Cpus, c => Assert.Equal(0, c.NumaNode));
        Assert.Equal("0,12", t.FirstCorePerNode().ToString());
    }

    [Fact]
    public void Read_NoProcMeminfo_TotalsComeFromNodes()
    {
        using var m = MachineFixture.Copy("s-a");
        m.Delete("proc/meminfo");

        var t = TopologyReader.Read(m.Root);

        Assert.Equal(32 * ByteSize.GiB, t.MemTotalBytes);
        Assert.Equal(t.NumaNodes.Sum(n => n.MemFreeBytes), t.MemAvailableBytes);
    }

    [Fact]
    public void Read_MeminfoWithoutMemAvailable_UsesMemFree()
    {
        using var m = MachineFixture.Copy("s-a");

        // Kernels before 3.14 (the paper's 2.6.32) have no MemAvailable line.
        m.Write("proc/meminfo", "MemTotal:       33554432 kB\nMemFree:        30000000 kB\nBuffers:           83916 kB\n");

        var t = TopologyReader.Read(m.Root);

        Assert.Equal(30000000L * 1024, t.MemAvailableBytes);
    }

    [Fact]
    public void Read_NoMsiIrqs_FallsBackToLegacyIrqLine()
    {
        using var m = MachineFixture.Copy("s-a");
        m.Delete($"{Eth0Device}/msi_irqs");

        var t = TopologyReader.Read(m.Root);

        Assert.Equal([16], t.NetworkInterfaces.Single(n => n.Name == "eth0").Irqs);
        Assert.Equal([16], t.PciDevices.Single(p => p.Address == "0000:01:00.0").Irqs);
    }

    [Fact]
    public void Read_NoSysfsIrqFiles_FallsBackToProcInterruptsByName()
    {
        using var m = MachineFixture.Copy("s-a");
        m.Delete($"{Eth0Device}/msi_irqs");
        m.Delete($"{Eth0Device}/irq");

        // Handler names that merely contain the name as part of another word must not match.
        var interrupts = File.ReadAllText(m.PathTo("proc/interrupts"))
            + "200:          1  PCI-MSI 1-edge      veth0\n"
            + "201:          1  PCI-MSI 2-edge      eth01-TxRx-0\n"
            + "202:          1  PCI-MSI 3-edge      eth0.100\n"
            + "203:          1  PCI-MSI 4-edge      i40e-eth0-TxRx-0\n";
        m.Write("proc/interrupts", interrupts);

        var t = TopologyReader.Read(m.Root);

        Assert.Equal([64, 65, 66, 67, 68, 203], t.NetworkInterfaces.Single(n => n.Name == "eth0").Irqs);
        Assert.Empty(t.PciDevices.Single(p => p.Address == "0000:01:00.0").Irqs);
    }

    [Fact]
    public void Read_MissingDeviceFiles_DegradeToNullAndMinusOne()
    {
        using var m = MachineFixture.Copy("s-a");
        m.Delete($"{Eth0Device}/driver");
        m.Delete($"{Eth0Device}/numa_node");
        m.Delete($"{Eth0Device}/vendor");
        m.Delete($"{Eth0Device}/net/eth0/mtu");
        m.Delete($"{Eth0Device}/net/eth0/address");
        m.Delete($"{Eth0Device}/net/eth0/operstate");
        m.Delete("proc/cpuinfo");
        m.Delete("proc/sys/kernel/osrelease");
        m.Delete("proc/interrupts");

        var t = TopologyReader.Read(m.Root);

        var eth0 = t.NetworkInterfaces.Single(n => n.Name == "eth0");
        Assert.True(eth0.IsPhysical);
        Assert.Null(eth0.Driver);
        Assert.Null(eth0.Mac);
        Assert.Null(eth0.OperState);
        Assert.Equal(-1, eth0.Mtu);
        Assert.Equal(-1, eth0.NumaNode);
        Assert.Equal("0000:01:00.0", eth0.PciAddress);
        var pci = t.PciDevices.Single(p => p.Address == "0000:01:00.0");
        Assert.Null(pci.Vendor);
        Assert.Null(pci.Driver);
        Assert.Null(t.CpuModel);
        Assert.Null(t.KernelRelease);
    }

    [Fact]
    public void Read_NoDeviceTrees_GivesEmptyLists()
    {
        using var m = MachineFixture.Copy("s-a");
        m.Delete("sys/class");
        m.Delete("sys/block");
        m.Delete("sys/bus");

        var t = TopologyReader.Read(m.Root);

        Assert.Empty(t.NetworkInterfaces);
        Assert.Empty(t.BlockDevices);
        Assert.Empty(t.PciDevices);
        Assert.Equal(24, t.Cpus.Count);
    }

    [Fact]
    public void Read_DanglingDeviceLink_InterfaceIsNotPhysical()
    {
        using var m = MachineFixture.Copy("s-a");
        m.Link($"{Eth0Device}/net/eth0/device", "../../../nowhere");

        var eth0 = TopologyReader.Read(m.Root).NetworkInterfaces.Single(n => n.Name == "eth0");

        Assert.False(eth0.IsPhysical);
        Assert.Null(eth0.PciAddress);
        Assert.Equal([64, 65, 66, 67, 68], eth0.Irqs);
    }

    [Fact]
    public void Read_AbsoluteLink_ResolvesInsideTheRoot()
    {
        using var m = MachineFixture.Copy("s-a");
        m.Link("sys/class/net/eth0", "/" + Eth0Device + "/net/eth0");
        m.Link("sys/block/sda", "/sys/devices/virtual/block/loop0");

        var t = TopologyReader.Read(m.Root);

        var eth0 = t.NetworkInterfaces.Single(n => n.Name == "eth0");
        Assert.Equal("igb", eth0.Driver);
        Assert.Equal("0000:01:00.0", eth0.PciAddress);
        Assert.True(t.BlockDevices.Single(b => b.Name == "sda").IsVirtual);
    }

    [Fact]
    public void Read_LinkLoop_EntryIsSkipped()
    {
        using var m = MachineFixture.Copy("s-a");
        m.Link("sys/class/net/eth9", "eth9");
        m.Link("sys/block/sdz", "../block/sdz");

        var t = TopologyReader.Read(m.Root);

        Assert.DoesNotContain(t.NetworkInterfaces, n => n.Name == "eth9");
        Assert.DoesNotContain(t.BlockDevices, b => b.Name == "sdz");
        Assert.Equal(9, t.NetworkInterfaces.Count);
    }

    [Fact]
    public void Read_OfflineCpu_HasNoTopologyButKeepsItsNode()
    {
        using var m = MachineFixture.Copy("s-a");

        // What the kernel shows after `echo 0 > cpu23/online`: the topology directory goes away
        // and the CPU leaves its node's cpulist, but its node link stays.
        m.Write($"{Cpu}/online", "0-22\n");
        m.Write($"{Cpu}/cpu23/online", "0\n");
        m.Delete($"{Cpu}/cpu23/topology");
        m.Delete($"{Cpu}/cpu23/cache");
        m.Write("sys/devices/system/node/node1/cpulist", "6-11,18-22\n");
        m.Write($"{Cpu}/cpu11/topology/thread_siblings_list", "11\n");

        var t = TopologyReader.Read(m.Root);

        var cpu23 = t.Cpus[23];
        Assert.False(cpu23.Online);
        Assert.Equal(-1, cpu23.CoreId);
        Assert.Equal(-1, cpu23.PackageId);
        Assert.Equal(1, cpu23.NumaNode);
        Assert.Equal("23", cpu23.SmtSiblings);
        Assert.Equal("0-22", t.OnlineCpus.ToString());
        Assert.Equal(12, t.Cores);
        Assert.Equal(2, t.Packages);
        Assert.Equal("6-11,18-23", t.CpuSetOf(1).ToString());
    }

    [Fact]
    public void Read_NoGlobalOnlineFile_UsesPerCpuOnlineFiles()
    {
        using var m = MachineFixture.Copy("this-vm");
        m.Delete($"{Cpu}/online");
        m.Write($"{Cpu}/cpu1/online", "0\n");

        var t = TopologyReader.Read(m.Root);

        // cpu0 has no online file: it cannot be taken offline.
        Assert.Equal("0", t.OnlineCpus.ToString());
    }

    [Fact]
    public void Read_MalformedOnlineList_ThrowsNamingTheFile()
    {
        using var m = MachineFixture.Copy("this-vm");
        m.Write($"{Cpu}/online", "0-x\n");

        var e = Assert.Throws<InvalidDataException>(() => TopologyReader.Read(m.Root));

        Assert.Contains(m.PathTo($"{Cpu}/online"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RootWithoutSysfs_ThrowsNamingTheCpuDirectory()
    {
        using var m = MachineFixture.Empty();

        var e = Assert.Throws<InvalidDataException>(() => TopologyReader.Read(m.Root));

        Assert.Contains(m.PathTo(Cpu), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingRoot_ThrowsNamingTheCpuDirectory()
    {
        var root = Path.Combine(Path.GetTempPath(), "rf-topo-missing-" + Guid.NewGuid().ToString("N"));

        var e = Assert.Throws<InvalidDataException>(() => TopologyReader.Read(root));

        Assert.Contains(Path.Combine(root, Cpu), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CpuDirectoryWithoutCpus_Throws()
    {
        using var m = MachineFixture.Empty();
        m.Write($"{Cpu}/online", "0\n");

        var e = Assert.Throws<InvalidDataException>(() => TopologyReader.Read(m.Root));

        Assert.Contains("no cpuN", e.Message, StringComparison.Ordinal);
    }
}
