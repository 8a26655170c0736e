using RainForest.Core;

namespace RainForest.Supervisor.Backends;

/// <summary>What the kernel holds for a subOS now, as its backend reads it back.</summary>
/// <param name="Cpus">The CPUs it may run on.</param>
/// <param name="MemoryLimit">Its hard memory limit; null when unlimited.</param>
/// <param name="MemoryUsage">Memory charged to it now.</param>
/// <param name="Pids">Host pids of its processes, the agent included.</param>
/// <param name="PidsLimit">Its pids limit; null when there is none (or no controller to hold one).</param>
public sealed record SubOsObservation(CpuSet Cpus, ByteSize? MemoryLimit, ByteSize MemoryUsage, IReadOnlyList<int> Pids, long? PidsLimit);
