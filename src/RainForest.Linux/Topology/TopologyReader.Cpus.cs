using RainForest.Core;
using RainForest.Core.Topology;

namespace RainForest.Linux.Topology;

public static partial class TopologyReader
{
    private static List<RawCpu> ReadCpus(SysfsTree tree)
    {
        var cpuDir = tree.PathOf("sys/devices/system/cpu");
        if (!tree.DirectoryExists(cpuDir))
        {
            throw new InvalidDataException(
                $"{cpuDir} does not exist: '{tree.DisplayRoot}' is not the root of a Linux system with sysfs mounted.");
        }

        var ids = tree.NumberedEntries(cpuDir, "cpu");
        if (ids.Count == 0)
        {
            throw new InvalidDataException($"{cpuDir} holds no cpuN directory.");
        }

        var onlinePath = cpuDir + "/online";
        CpuSet? online = null;
        if (tree.ReadText(onlinePath) is { } onlineText)
        {
            if (!CpuSet.TryParse(onlineText, out var parsed, out var error))
            {
                throw new InvalidDataException($"{onlinePath}: {error}.");
            }

            online = parsed;
        }

        var cpus = new List<RawCpu>(ids.Count);
        foreach (var id in ids)
        {
            var dir = $"{cpuDir}/cpu{id}";
            cpus.Add(new RawCpu
            {
                Id = id,

                // Without the global list, a CPU is online unless its own file says 0;
                // cpu0 often has no online file because it cannot be taken offline.
                Online = online?.Contains(id) ?? tree.ReadInt(dir + "/online") != 0,
                CoreId = tree.ReadInt(dir + "/topology/core_id") ?? -1,
                PackageId = tree.ReadInt(dir + "/topology/physical_package_id") ?? -1,
                Siblings = tree.ReadCpuList(dir + "/topology/thread_siblings_list"),
                Llc = ReadLastLevelCache(tree, dir + "/cache"),
                NodeLinks = tree.NumberedEntries(dir, "node"),
            });
        }

        foreach (var cpu in cpus)
        {
            cpu.Siblings ??= cpu.CoreId >= 0
                ? CpuSet.Of(cpus.Where(c => c.PackageId == cpu.PackageId && c.CoreId == cpu.CoreId).Select(c => c.Id))
                : CpuSet.Of(cpu.Id);

            // Some VMs expose no cache directory; the last-level cache is then assumed to be
            // the package's, which it is on every x86 server this project targets.
            cpu.Llc ??= cpu.PackageId >= 0
                ? CpuSet.Of(cpus.Where(c => c.PackageId == cpu.PackageId).Select(c => c.Id))
                : CpuSet.Of(cpu.Id);
        }

        return cpus;
    }

    /// <summary>The shared_cpu_list of the highest-level data or unified cache, or null when none is described.</summary>
    private static CpuSet? ReadLastLevelCache(SysfsTree tree, string cacheDir)
    {
        var bestLevel = -1;
        CpuSet? best = null;
        foreach (var index in tree.NumberedEntries(cacheDir, "index"))
        {
            var dir = $"{cacheDir}/index{index}";
            var level = tree.ReadInt(dir + "/level");
            var type = tree.ReadText(dir + "/type");
            var shared = tree.ReadCpuList(dir + "/shared_cpu_list");
            if (level is null || shared is null || type == "Instruction" || level < bestLevel)
            {
                continue;
            }

            // Two caches on the top level (split L3 halves on some parts) together form the group.
            best = level == bestLevel && best is not null ? best.Union(shared) : shared;
            bestLevel = level.Value;
        }

        return best;
    }

    private static (IReadOnlyList<NumaNodeInfo> Nodes, Func<int, int> NodeOfCpu) ReadNumaNodes(
        SysfsTree tree, List<RawCpu> cpus, Dictionary<string, long> memInfo)
    {
        var nodeDir = tree.PathOf("sys/devices/system/node");
        var ids = tree.NumberedEntries(nodeDir, "node");
        if (ids.Count == 0)
        {
            // A kernel built without NUMA: one node holds every CPU and all memory.
            var all = CpuSet.Of(cpus.Where(c => c.Online).Select(c => c.Id));
            var single = new NumaNodeInfo(
                0,
                all.ToString(),
                memInfo.GetValueOrDefault("MemTotal"),
                memInfo.GetValueOrDefault("MemFree"));
            return ([single], _ => 0);
        }

        // A directory can outlive its node going offline; the online list, when present, decides.
        var online = tree.ReadCpuList(nodeDir + "/online");
        var nodes = new List<NumaNodeInfo>();
        var nodeOf = new Dictionary<int, int>();
        foreach (var id in ids.Where(i => online is null || online.Contains(i)))
        {
            var dir = $"{nodeDir}/node{id}";
            var nodeCpus = tree.ReadCpuList(dir + "/cpulist") ?? CpuSet.Empty;
            var mem = MemInfo.Parse(tree.ReadText(dir + "/meminfo"));
            nodes.Add(new NumaNodeInfo(id, nodeCpus.ToString(), mem.GetValueOrDefault("MemTotal"), mem.GetValueOrDefault("MemFree")));
            foreach (var cpu in nodeCpus)
            {
                nodeOf.TryAdd(cpu, id);
            }
        }

        // Offline CPUs drop out of the node cpulists but keep their cpuN/nodeM link.
        foreach (var cpu in cpus)
        {
            if (!nodeOf.ContainsKey(cpu.Id) && cpu.NodeLinks.Count > 0)
            {
                nodeOf[cpu.Id] = cpu.NodeLinks[0];
            }
        }

        return (nodes, cpu => nodeOf.GetValueOrDefault(cpu, -1));
    }

    /// <summary>A CPU while it is being read, before the siblings and caches of the others are known.</summary>
    private sealed class RawCpu
    {
        public int Id { get; init; }

        public bool Online { get; init; }

        public int CoreId { get; init; }

        public int PackageId { get; init; }

        public CpuSet? Siblings { get; set; }

        public CpuSet? Llc { get; set; }

        public IReadOnlyList<int> NodeLinks { get; init; } = [];

        public CpuInfo ToCpuInfo(int numaNode) =>
            new(Id, CoreId, PackageId, numaNode, (Siblings ?? CpuSet.Of(Id)).ToString(), (Llc ?? CpuSet.Of(Id)).ToString(), Online);
    }
}
