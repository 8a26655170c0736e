namespace RainForest.Supervisor.Cells;

/// <summary>The resource description a subOS sees, read-only, at /run/rainforest/subos.json.</summary>
/// <param name="Name">The subOS's name.</param>
/// <param name="Cpus">Its CPUs, as a kernel cpulist.</param>
/// <param name="CpuCount">How many CPUs.</param>
/// <param name="Mems">Its NUMA memory nodes.</param>
/// <param name="Memory">Its memory size, human-readable.</param>
/// <param name="MemoryBytes">Its memory size in bytes.</param>
/// <param name="RootFs">The lower layer of its root file system.</param>
/// <param name="Created">Creation time.</param>
/// <param name="Revision">Incremented by every resize.</param>
/// <param name="Updated">Time of the last change.</param>
/// <param name="Supervisor">The supervisor's kernel-object prefix.</param>
/// <param name="Net">none or loop.</param>
/// <param name="Address">Its RFloop address, or null.</param>
/// <param name="Nics">Host interfaces it owns.</param>
public sealed record SubOsDescription(string Name, string Cpus, int CpuCount, string Mems, string Memory, long MemoryBytes, string RootFs, DateTimeOffset Created, int Revision, DateTimeOffset Updated, string Supervisor, string Net, string? Address, IReadOnlyList<string> Nics);
