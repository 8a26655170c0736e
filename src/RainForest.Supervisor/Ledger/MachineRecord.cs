using RainForest.Core;
using RainForest.Core.Topology;
using RainForest.Linux.Cgroups;

namespace RainForest.Supervisor.Ledger;

/// <summary>What <c>rfm init</c> recorded about the machine and the supervisor partition.</summary>
public sealed record MachineRecord
{
    /// <summary>The machine's topology at init.</summary>
    public required MachineTopology Topology { get; init; }

    /// <summary>CPUs kept by the supervisor.</summary>
    public required CpuSet ReserveCpus { get; init; }

    /// <summary>Memory kept by the supervisor.</summary>
    public required ByteSize ReserveMemory { get; init; }

    /// <summary>The kernel-object prefix.</summary>
    public required string Prefix { get; init; }

    /// <summary>The cgroup interface the host offered at init: v1, hybrid or v2.</summary>
    public required CgroupMode CgroupMode { get; init; }

    /// <summary>When init ran.</summary>
    public required DateTimeOffset Initialized { get; init; }

    /// <summary>Whether host tasks, workqueues and IRQs were confined to the supervisor's CPUs.</summary>
    public bool HostConfined { get; init; }
}
