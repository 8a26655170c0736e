namespace RainForest.Core.Model;

/// <summary>The resources one subOS owns.</summary>
/// <param name="Cpus">Its CPUs.</param>
/// <param name="Memory">Its memory size.</param>
public sealed record SubOsAllocation(CpuSet Cpus, ByteSize Memory);
