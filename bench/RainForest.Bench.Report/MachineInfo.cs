using RainForest.Core.Topology;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Topology;

namespace RainForest.Bench.Report;

/// <summary>The machine a run measured on, as the report's header shows it.</summary>
public sealed record MachineInfo
{
    /// <summary>The CPU model name, from <c>/proc/cpuinfo</c>.</summary>
    public string CpuModel { get; init; } = "unknown";

    /// <summary>Physical cores (distinct package and core id pairs).</summary>
    public int Cores { get; init; }

    /// <summary>Hardware threads (logical CPUs) present.</summary>
    public int Threads { get; init; }

    /// <summary>NUMA nodes (1 on a kernel without NUMA support), or 0 where unknown.</summary>
    public int NumaNodes { get; init; }

    /// <summary>Total memory in bytes.</summary>
    public long MemoryBytes { get; init; }

    /// <summary>The kernel release, such as <c>6.1.0-18-amd64</c>.</summary>
    public string Kernel { get; init; } = "unknown";

    /// <summary>The cgroup layout: <c>v1</c>, <c>hybrid</c> (v1 controllers plus a v2 tree) or <c>v2</c>.</summary>
    public string CgroupMode { get; init; } = "unknown";

    /// <summary>The host name.</summary>
    public string Hostname { get; init; } = "unknown";

    /// <summary>Reads the description of this machine, or of the captured tree at <paramref name="root"/>.</summary>
    /// <param name="root">The root of /proc and /sys: <c>/</c>, or a fixture tree in tests.</param>
    /// <param name="hostname">The host name to record; null takes <see cref="Environment.MachineName"/>.</param>
    /// <remarks>
    /// The product's readers do the reading: <see cref="TopologyReader"/> for CPUs, memory and the kernel, and
    /// <see cref="CgroupLayout"/> for the cgroup mode, so the report names the layout the supervisor works on.
    /// A part that cannot be read stays <c>unknown</c> (or 0): the header describes, it does not check.
    /// </remarks>
    public static MachineInfo Detect(string root = "/", string? hostname = null)
    {
        MachineTopology? topology;
        try
        {
            topology = TopologyReader.Read(root);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            topology = null;
        }

        string cgroupMode;
        try
        {
            cgroupMode = CgroupLayout.Detect(root).ModeName;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            cgroupMode = "unknown";
        }

        var info = new MachineInfo { CgroupMode = cgroupMode, Hostname = hostname ?? Environment.MachineName };
        return topology is null ? info : info with
        {
            CpuModel = topology.CpuModel ?? "unknown",
            Cores = topology.Cores,
            Threads = topology.OnlineCpus.Count,
            NumaNodes = topology.NumaNodes.Count,
            MemoryBytes = topology.MemTotalBytes,
            Kernel = topology.KernelRelease?.Trim() is { Length: > 0 } kernel ? kernel : "unknown",
        };
    }
}
