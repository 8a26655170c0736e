namespace RainForest.Core.Topology;

/// <summary>One logical CPU as the kernel describes it under <c>/sys/devices/system/cpu/cpuN</c>.</summary>
/// <param name="Id">The logical CPU number (N in <c>cpuN</c>).</param>
/// <param name="CoreId">The kernel's <c>core_id</c>; unique only within a package and not necessarily dense
/// (Westmere numbers its six cores 0, 1, 2, 8, 9, 10); -1 when unknown (an offline CPU has no topology).</param>
/// <param name="PackageId">The socket (<c>physical_package_id</c>); -1 when unknown.</param>
/// <param name="NumaNode">The NUMA node holding the CPU; -1 when unknown.</param>
/// <param name="SmtSiblings">Cpulist of the hardware threads of this CPU's core, itself included.</param>
/// <param name="LlcGroup">Cpulist of the CPUs sharing this CPU's last-level cache, itself included.</param>
/// <param name="Online">True when the CPU is online.</param>
public sealed record CpuInfo(int Id, int CoreId, int PackageId, int NumaNode, string SmtSiblings, string LlcGroup, bool Online)
{
    /// <summary>The SMT siblings as a set.</summary>
    public CpuSet SmtSiblingSet() => CpuSet.Parse(SmtSiblings);

    /// <summary>The last-level-cache group as a set.</summary>
    public CpuSet LlcGroupSet() => CpuSet.Parse(LlcGroup);
}
