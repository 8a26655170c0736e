using RainForest.Linux.Cgroups;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor;

/// <summary>A subOS as the ledger describes it, with what the kernel says about it now.</summary>
/// <param name="Record">The ledger's description.</param>
/// <param name="AgentAlive">Whether its agent runs.</param>
/// <param name="MemoryUsedBytes">Memory charged to it now.</param>
/// <param name="Processes">Processes in it, the agent included.</param>
/// <param name="KernelCpus">The CPUs its cpuset holds now.</param>
public sealed record SubOsStatus(SubOsRecord Record, bool AgentAlive, long MemoryUsedBytes, int Processes, string KernelCpus)
{
    /// <summary>Its cpuset partition as the kernel reports it (cgroup v2); <see cref="PartitionState.None"/> without one.</summary>
    public PartitionState Partition { get; init; } = PartitionState.None;

    /// <summary>Whether it is parked: it lent all its CPUs and its processes are frozen until one comes back.</summary>
    public bool Parked { get; init; }

    /// <summary>Its CPU time limit in CPUs (a donor's quota under the slack policy); null for none.</summary>
    public double? CpuQuota { get; init; }

    /// <summary>The subOS in whose idle time it also runs, at idle priority (<c>rfm lend LENDER NAME --idle</c>); null for none.</summary>
    public string? IdleOn { get; init; }

    /// <summary>How a running kernel subOS's vCPUs change (hot-plug, its TCG budget, or parking); null for a cell.</summary>
    public Kernels.GuestVcpuChange? Vcpus { get; init; }
}
