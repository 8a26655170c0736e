using RainForest.Core;

namespace RainForest.Supervisor;

/// <summary>What <c>rfm init</c> asks for.</summary>
public sealed record InitOptions
{
    /// <summary>The supervisor's CPUs; null for the first core of each NUMA node, empty for none.</summary>
    public CpuSet? ReserveCpus { get; init; }

    /// <summary>The supervisor's memory; null for the default (5% of the machine, at least 256M, at most 4G).</summary>
    public ByteSize? ReserveMemory { get; init; }

    /// <summary>Move host tasks, unbound workqueues and IRQs onto the supervisor's CPUs.</summary>
    public bool ConfineHost { get; init; }
}
