using RainForest.Core.Topology;
using RainForest.Supervisor;

namespace RainForest.Service.Api;

/// <summary>What <c>GET /v1/machine</c> answers: the topology, the partition, every CPU with its owner, memory per subOS.</summary>
/// <param name="Topology">The machine as <c>rfm topo --json</c> shows it.</param>
/// <param name="Pool">The supervisor's reserve and what is free.</param>
/// <param name="Cpus">Every CPU with its owner.</param>
/// <param name="Memory">Memory per subOS.</param>
public sealed record MachineView(MachineTopology Topology, PoolSummary Pool, IReadOnlyList<CpuOwner> Cpus, IReadOnlyList<SubOsMemory> Memory)
{
    /// <summary>Builds the view from the topology, the partition and the subOSes.</summary>
    public static MachineView From(MachineTopology topology, PoolSummary pool, IReadOnlyList<SubOsStatus> subOses)
    {
        var owners = new Dictionary<int, string>();
        foreach (var s in subOses)
        {
            foreach (var cpu in s.Record.Cpus)
            {
                owners[cpu] = s.Record.Name;
            }
        }

        var cpus = topology.Cpus.Select(c =>
        {
            var (owner, kind) = !c.Online ? ("offline", "offline")
                : owners.TryGetValue(c.Id, out var name) ? (name, "subos")
                : pool.ReserveCpus.Contains(c.Id) ? ("supervisor", "supervisor")
                : ("free", "free");
            return new CpuOwner(c.Id, c.CoreId, c.PackageId, c.NumaNode, c.Online, owner, kind);
        }).ToList();
        var memory = subOses.Select(s => new SubOsMemory(s.Record.Name, s.Record.Memory, s.MemoryUsedBytes)).ToList();
        return new MachineView(topology, pool, cpus, memory);
    }
}
