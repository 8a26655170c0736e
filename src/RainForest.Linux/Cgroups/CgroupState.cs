using RainForest.Core;

namespace RainForest.Linux.Cgroups;

/// <summary>What the kernel says a subOS's cgroups hold now.</summary>
/// <param name="Cpus">The cpuset's CPUs.</param>
/// <param name="Mems">The cpuset's memory nodes, as a list such as <c>0-1</c>.</param>
/// <param name="MemoryLimit">The hard memory limit, null when unlimited.</param>
/// <param name="MemoryUsage">Memory charged now.</param>
/// <param name="Pids">Processes in the cgroup.</param>
public sealed record CgroupState(CpuSet Cpus, string Mems, ByteSize? MemoryLimit, ByteSize MemoryUsage, IReadOnlyList<int> Pids)
{
    /// <summary>The cpuset partition (cgroup v2); <see cref="PartitionState.None"/> where there is none.</summary>
    public PartitionState Partition { get; init; } = PartitionState.None;
}
