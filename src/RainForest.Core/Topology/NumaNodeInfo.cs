namespace RainForest.Core.Topology;

/// <summary>One NUMA node from <c>/sys/devices/system/node/nodeN</c>.</summary>
/// <param name="Id">The node number.</param>
/// <param name="Cpus">Cpulist of the node's CPUs; empty for a memory-only node.</param>
/// <param name="MemTotalBytes">Memory attached to the node (its <c>meminfo</c> MemTotal).</param>
/// <param name="MemFreeBytes">Free memory of the node when it was read.</param>
public sealed record NumaNodeInfo(int Id, string Cpus, long MemTotalBytes, long MemFreeBytes);
