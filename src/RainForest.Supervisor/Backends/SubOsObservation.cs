using RainForest.Core;
using RainForest.Linux.Cgroups;

namespace RainForest.Supervisor.Backends;

/// <summary>What the kernel holds for a subOS now, as its backend reads it back.</summary>
/// <param name="Cpus">The CPUs it may run on.</param>
/// <param name="MemoryLimit">Its hard memory limit; null when unlimited.</param>
/// <param name="MemoryUsage">Memory charged to it now.</param>
/// <param name="Pids">Host pids of its processes, the agent included.</param>
/// <param name="PidsLimit">Its pids limit; null when there is none (or no controller to hold one).</param>
public sealed record SubOsObservation(CpuSet Cpus, ByteSize? MemoryLimit, ByteSize MemoryUsage, IReadOnlyList<int> Pids, long? PidsLimit)
{
    /// <summary>Its cpuset partition (a cell on cgroup v2); <see cref="PartitionState.None"/> where there is none.</summary>
    public PartitionState Partition { get; init; } = PartitionState.None;

    /// <summary>How a kernel subOS's vCPUs change while it runs; null for a cell.</summary>
    public Kernels.GuestVcpuChange? Vcpus { get; init; }
}
