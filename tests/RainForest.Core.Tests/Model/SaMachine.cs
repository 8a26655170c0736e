using RainForest.Core.Topology;

namespace RainForest.Core.Tests.Model;

/// <summary>
/// The paper's server S-A built by hand (Core.Tests cannot read the fixture tree): 2 packages x 6 cores
/// x 2 threads, cpu0-5 the cores of package 0, cpu6-11 those of package 1, cpu12-23 their SMT siblings,
/// Westmere core ids 0, 1, 2, 8, 9, 10, one NUMA node per package and 32 GiB.
/// </summary>
internal static class SaMachine
{
    private static readonly int[] s_coreIds = [0, 1, 2, 8, 9, 10];

    /// <summary>The machine, with <paramref name="offline"/> CPUs offline (and so without topology, as the kernel shows them).</summary>
    public static MachineTopology Build(params int[] offline)
    {
        var cpus = new List<CpuInfo>();
        for (var id = 0; id < 24; id++)
        {
            var first = id % 12;
            var package = first / 6;
            var online = !offline.Contains(id);
            cpus.Add(new CpuInfo(
                id,
                online ? s_coreIds[first % 6] : -1,
                online ? package : -1,
                package,
                $"{first},{first + 12}",
                package == 0 ? "0-5,12-17" : "6-11,18-23",
                online));
        }

        return new MachineTopology
        {
            Cpus = cpus,
            NumaNodes = [new NumaNodeInfo(0, "0-5,12-17", 16 * ByteSize.GiB, 15 * ByteSize.GiB), new NumaNodeInfo(1, "6-11,18-23", 16 * ByteSize.GiB, 15 * ByteSize.GiB)],
            MemTotalBytes = 32 * ByteSize.GiB,
            MemAvailableBytes = 30 * ByteSize.GiB,
        };
    }

    /// <summary>The NUMA node of a CPU of S-A.</summary>
    public static int NodeOf(int cpu) => cpu % 12 / 6;

    /// <summary>The SMT sibling of a CPU of S-A.</summary>
    public static int SiblingOf(int cpu) => cpu < 12 ? cpu + 12 : cpu - 12;
}
