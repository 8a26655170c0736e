using RainForest.Core;

namespace RainForest.Supervisor.Ledger;

/// <summary>One subOS's resource description, as the ledger holds it.</summary>
public sealed record SubOsRecord
{
    /// <summary>Name, also hostname.</summary>
    public required string Name { get; init; }

    /// <summary>Life-cycle state.</summary>
    public required SubOsState State { get; init; }

    /// <summary>Owned CPUs.</summary>
    public required CpuSet Cpus { get; init; }

    /// <summary>Memory nodes (NUMA) it allocates from.</summary>
    public required string Mems { get; init; }

    /// <summary>Memory size.</summary>
    public required ByteSize Memory { get; init; }

    /// <summary>Lower layer of its root: <c>/</c> or the --rootfs directory.</summary>
    public required string RootFs { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>Host pid of its agent (pid 1 inside).</summary>
    public int AgentPid { get; init; }

    /// <summary>Start time of the agent, in clock ticks since boot; guards against pid reuse.</summary>
    public long AgentStart { get; init; }

    /// <summary>Host pid of the util-linux unshare process that waits for the agent.</summary>
    public int MonitorPid { get; init; }

    /// <summary>Incremented on every resize; shown in the description inside.</summary>
    public int Revision { get; init; }
}
