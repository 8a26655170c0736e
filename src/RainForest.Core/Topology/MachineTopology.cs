using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace RainForest.Core.Topology;

/// <summary>
/// What the supervisor knows about the machine it partitions: CPUs with their cores, packages,
/// caches and NUMA nodes, memory, network interfaces, block devices and PCI functions.
/// </summary>
/// <remarks>
/// A plain snapshot, read once by <c>TopologyReader</c> in RainForest.Linux and never updated:
/// properties are strings, numbers and lists so that the same object prints as a table and as
/// <c>--json</c> (the <see cref="CpuSet"/>-typed helpers are methods or <see cref="JsonIgnoreAttribute"/>d).
/// Lists are in kernel order: CPUs and nodes by number, devices by name.
/// Records compare lists by reference, so two reads of one machine are not <c>Equals</c>;
/// compare <see cref="MachineKey"/> instead.
/// </remarks>
public sealed record MachineTopology
{
    /// <summary>Every CPU the kernel lists under <c>/sys/devices/system/cpu</c>, online or not, by number.</summary>
    public required IReadOnlyList<CpuInfo> Cpus { get; init; }

    /// <summary>The NUMA nodes, by number; one node 0 holding everything when the kernel has no NUMA support.</summary>
    public required IReadOnlyList<NumaNodeInfo> NumaNodes { get; init; }

    /// <summary>MemTotal from <c>/proc/meminfo</c>: usable RAM, less than what is installed.</summary>
    public required long MemTotalBytes { get; init; }

    /// <summary>MemAvailable from <c>/proc/meminfo</c> (MemFree on kernels before 3.14, which lack it).</summary>
    public required long MemAvailableBytes { get; init; }

    /// <summary>Network interfaces, by name.</summary>
    public IReadOnlyList<NetworkInterfaceInfo> NetworkInterfaces { get; init; } = [];

    /// <summary>Block devices, by name.</summary>
    public IReadOnlyList<BlockDeviceInfo> BlockDevices { get; init; } = [];

    /// <summary>PCI functions, by address.</summary>
    public IReadOnlyList<PciDeviceInfo> PciDevices { get; init; } = [];

    /// <summary>The first <c>model name</c> of <c>/proc/cpuinfo</c>, or null (some architectures print none).</summary>
    public string? CpuModel { get; init; }

    /// <summary>The running kernel's release (<c>/proc/sys/kernel/osrelease</c>), or null.</summary>
    public string? KernelRelease { get; init; }

    /// <summary>The online CPUs.</summary>
    [JsonIgnore]
    public CpuSet OnlineCpus => CpuSet.Of(Cpus.Where(c => c.Online).Select(c => c.Id));

    /// <summary>Number of packages (sockets) with an online CPU.</summary>
    public int Packages
    {
        get
        {
            var online = Cpus.Where(c => c.Online).ToList();
            var known = online.Where(c => c.PackageId >= 0).Select(c => c.PackageId).Distinct().Count();

            // A CPU whose package the kernel does not say still sits in some package.
            return known == 0 && online.Count > 0 ? 1 : known;
        }
    }

    /// <summary>Number of physical cores with an online CPU: distinct (package, core) pairs.</summary>
    public int Cores => CoreGroups().Count();

    /// <summary>Most hardware threads seen on one core (1 without SMT); 0 when no CPU is online.</summary>
    public int ThreadsPerCore => CoreGroups().Select(g => g.Count()).DefaultIfEmpty(0).Max();

    /// <summary>
    /// A short fingerprint of the hardware (CPU model, CPU numbers, cores and threads, NUMA nodes,
    /// memory to the GiB) so that a ledger can tell it was initialised on a different machine.
    /// </summary>
    /// <remarks>
    /// Memory is rounded to whole GiB because MemTotal moves by a few MiB between kernel versions
    /// (reserved and firmware areas change) while the machine stays the same; the kernel release,
    /// device names and free memory are left out for the same reason.
    /// </remarks>
    public string MachineKey
    {
        get
        {
            var text = string.Join(
                '|',
                CpuModel ?? "?",
                CpuSet.Of(Cpus.Select(c => c.Id)).ToString(),
                Packages.ToString(CultureInfo.InvariantCulture),
                Cores.ToString(CultureInfo.InvariantCulture),
                ThreadsPerCore.ToString(CultureInfo.InvariantCulture),
                NumaNodes.Count.ToString(CultureInfo.InvariantCulture),
                ((MemTotalBytes + (ByteSize.GiB / 2)) / ByteSize.GiB).ToString(CultureInfo.InvariantCulture));
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
            return Convert.ToHexStringLower(hash, 0, 8);
        }
    }

    /// <summary>The CPUs of NUMA node <paramref name="node"/>, online or not; empty for an unknown node.</summary>
    public CpuSet CpuSetOf(int node) => CpuSet.Of(Cpus.Where(c => c.NumaNode == node).Select(c => c.Id));

    /// <summary>
    /// All hardware threads of the first core of each NUMA node: the supervisor's default partition.
    /// </summary>
    /// <remarks>
    /// The first core of a node is the core of its lowest-numbered online CPU. Taking one core per node
    /// keeps the supervisor near every node's memory and devices, and taking all its SMT threads leaves
    /// no thread of a supervisor core to a subOS, which would otherwise share the core's caches with it.
    /// </remarks>
    public CpuSet FirstCorePerNode()
    {
        var result = CpuSet.Empty;
        foreach (var group in Cpus.Where(c => c.Online).GroupBy(c => c.NumaNode).OrderBy(g => g.Key))
        {
            var first = group.MinBy(c => c.Id)!;
            result = result.Union(first.SmtSiblingSet()).Union(CpuSet.Of(first.Id));
        }

        return result;
    }

    // A CPU whose core the kernel does not say counts as a core of its own.
    private IEnumerable<IGrouping<(int Package, int Core), CpuInfo>> CoreGroups() =>
        Cpus.Where(c => c.Online)
            .GroupBy(c => c.CoreId >= 0 ? (c.PackageId, c.CoreId) : (c.PackageId, -1 - c.Id));
}
