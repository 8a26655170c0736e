using RainForest.Core.Topology;
using RainForest.Linux.Kernel;

namespace RainForest.Linux.Topology;

/// <summary>
/// Discovers the machine's hardware topology from sysfs and procfs below a root directory.
/// </summary>
/// <remarks>
/// Every file is optional except the CPU tree: a missing or unreadable file degrades to null,
/// -1 or an empty list (containers hide parts of sysfs, VMs expose no cache or NUMA information,
/// old kernels lack MemAvailable), while a root with no <c>sys/devices/system/cpu</c> is not a
/// Linux system at all and throws.
/// </remarks>
public static partial class TopologyReader
{
    /// <summary>
    /// Reads the topology of the system whose root directory is <paramref name="root"/>:
    /// <c>/</c> for this machine, or a captured tree such as <c>tests/fixtures/machines/s-a</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// <c>ROOT/sys/devices/system/cpu</c> is missing, holds no <c>cpuN</c> directory, or its
    /// <c>online</c> file is not a cpulist; the message names the path.
    /// </exception>
    public static MachineTopology Read(string root = "/") => Read(KernelFiles.At(root));

    /// <summary>Reads the topology the kernel's files describe: the running kernel's, or a captured tree's.</summary>
    /// <exception cref="InvalidDataException">
    /// <c>/sys/devices/system/cpu</c> is missing, holds no <c>cpuN</c> directory, or its <c>online</c> file is not
    /// a cpulist; the message names the path.
    /// </exception>
    public static MachineTopology Read(KernelFiles kernel)
    {
        var tree = new SysfsTree(kernel);
        var memInfo = MemInfo.Parse(tree.ReadText(tree.PathOf("proc/meminfo")));
        var cpus = ReadCpus(tree);
        var (nodes, nodeOfCpu) = ReadNumaNodes(tree, cpus, memInfo);
        var interrupts = new ProcInterrupts(tree.ReadText(tree.PathOf("proc/interrupts")));

        // Without /proc/meminfo the nodes still know how much memory there is.
        var memTotal = memInfo.TryGetValue("MemTotal", out var total) ? total : nodes.Sum(n => n.MemTotalBytes);
        var memAvailable = memInfo.TryGetValue("MemAvailable", out var available) ? available
            : memInfo.TryGetValue("MemFree", out var free) ? free
            : nodes.Sum(n => n.MemFreeBytes);

        return new MachineTopology
        {
            Cpus = [.. cpus.Select(c => c.ToCpuInfo(nodeOfCpu(c.Id)))],
            NumaNodes = nodes,
            MemTotalBytes = memTotal,
            MemAvailableBytes = memAvailable,
            NetworkInterfaces = ReadNetworkInterfaces(tree, interrupts),
            BlockDevices = ReadBlockDevices(tree),
            PciDevices = ReadPciDevices(tree),
            CpuModel = ReadCpuModel(tree.ReadText(tree.PathOf("proc/cpuinfo"))),
            KernelRelease = tree.ReadText(tree.PathOf("proc/sys/kernel/osrelease")),
        };
    }

    private static string? ReadCpuModel(string? cpuinfo)
    {
        if (cpuinfo is null)
        {
            return null;
        }

        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == "model name")
            {
                var model = line[(colon + 1)..].Trim();
                return model.Length == 0 ? null : model;
            }
        }

        return null;
    }
}
