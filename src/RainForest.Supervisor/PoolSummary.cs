using RainForest.Core;

namespace RainForest.Supervisor;

/// <summary>How the machine is divided now: what the supervisor keeps and what is still free for subOSes.</summary>
/// <param name="Online">CPUs the machine has online.</param>
/// <param name="ReserveCpus">The supervisor partition's CPUs.</param>
/// <param name="ReserveMemory">The supervisor's memory reserve.</param>
/// <param name="FreeCpus">CPUs nobody owns.</param>
/// <param name="FreeMemory">Memory still free to hand out.</param>
public sealed record PoolSummary(CpuSet Online, CpuSet ReserveCpus, ByteSize ReserveMemory, CpuSet FreeCpus, ByteSize FreeMemory);
