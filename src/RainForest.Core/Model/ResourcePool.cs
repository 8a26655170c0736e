using RainForest.Core.Topology;

namespace RainForest.Core.Model;

/// <summary>
/// The supervisor's rules for handing out CPUs and memory: a pure function of the machine, the
/// supervisor's reserve and what each subOS owns. The ledger asks it before every change.
/// </summary>
/// <remarks>
/// Invariants it guarantees for every allocation it returns:
/// a CPU belongs to at most one subOS or to the supervisor; every CPU handed out exists and is online;
/// the memory of all subOSes together never exceeds the machine's total minus the supervisor's reserve.
/// </remarks>
public sealed class ResourcePool
{
    /// <summary>The smallest subOS: its agent, private tmpfs mounts and a shell must fit.</summary>
    public static readonly ByteSize MinimumMemory = ByteSize.FromMiB(32);

    private readonly IReadOnlyList<CpuInfo> _cpus;
    private readonly IReadOnlyDictionary<string, SubOsAllocation> _owners;

    /// <summary>Creates the pool.</summary>
    public ResourcePool(MachineTopology machine, CpuSet reserveCpus, ByteSize reserveMemory, IReadOnlyDictionary<string, SubOsAllocation> owners)
    {
        _cpus = machine.Cpus;
        Online = machine.OnlineCpus;
        MemoryTotal = new ByteSize(machine.MemTotalBytes);
        ReserveCpus = reserveCpus;
        ReserveMemory = reserveMemory;
        _owners = owners;
    }

    /// <summary>CPUs the machine has online.</summary>
    public CpuSet Online { get; }

    /// <summary>The machine's memory.</summary>
    public ByteSize MemoryTotal { get; }

    /// <summary>The supervisor partition's CPUs.</summary>
    public CpuSet ReserveCpus { get; }

    /// <summary>The supervisor's memory reserve.</summary>
    public ByteSize ReserveMemory { get; }

    /// <summary>CPUs owned by some subOS.</summary>
    public CpuSet OwnedCpus => _owners.Values.Aggregate(CpuSet.Empty, (acc, o) => acc.Union(o.Cpus));

    /// <summary>CPUs nobody owns.</summary>
    public CpuSet FreeCpus => Online.Except(ReserveCpus).Except(OwnedCpus);

    /// <summary>Memory owned by subOSes.</summary>
    public ByteSize OwnedMemory => new(_owners.Values.Sum(o => o.Memory.Bytes));

    /// <summary>Memory still free to hand out.</summary>
    public ByteSize FreeMemory => MemoryTotal - ReserveMemory - OwnedMemory;

    /// <summary>Chooses CPUs for a new subOS.</summary>
    /// <exception cref="RfException">The request cannot be met (exit code 2).</exception>
    public CpuSet AllocateNew(CpuRequest request)
    {
        return request.Kind switch
        {
            CpuRequest.RequestKind.Count => Pick(request.Count, FreeCpus, CpuSet.Empty),
            CpuRequest.RequestKind.List => CheckList(request.List, null),
            _ => throw RfException.Invalid($"--cpus {request}: a new subOS takes a count or a list, not a change"),
        };
    }

    /// <summary>Computes a subOS's CPUs after a resize.</summary>
    /// <exception cref="RfException">The request cannot be met (exit code 2).</exception>
    public CpuSet Resize(string name, CpuRequest request)
    {
        var current = _owners[name].Cpus;
        var free = FreeCpus;
        return request.Kind switch
        {
            CpuRequest.RequestKind.List => CheckList(request.List, name),
            CpuRequest.RequestKind.Add => current.Union(Pick(request.Count, free, current)),
            CpuRequest.RequestKind.Remove => Shrink(current, current.Count - request.Count),
            _ => request.Count >= current.Count
                ? current.Union(Pick(request.Count - current.Count, free, current))
                : Shrink(current, request.Count),
        };
    }

    /// <summary>Checks that <paramref name="wanted"/> fits, given that the subOS already holds <paramref name="current"/>.</summary>
    /// <param name="wanted">The subOS's memory after the change.</param>
    /// <param name="current">What the pool counts for it now: zero for a new subOS, else its memory with its <paramref name="overhead"/>.</param>
    /// <param name="overhead">What its backend needs beside its memory on the host (QEMU's, for a kernel subOS).</param>
    /// <exception cref="RfException">Too small, or more than is free (exit code 2).</exception>
    public void CheckMemory(ByteSize wanted, ByteSize current, ByteSize overhead = default)
    {
        if (wanted < MinimumMemory)
        {
            throw RfException.Invalid($"--memory {wanted}: a subOS needs at least {MinimumMemory}");
        }

        var free = FreeMemory + current;
        if (wanted + overhead > free)
        {
            throw RfException.Conflict(overhead == ByteSize.Zero
                ? $"--memory {wanted}: only {free} is free (machine {MemoryTotal}, supervisor reserve {ReserveMemory}, owned by subOSes {OwnedMemory - current})"
                : $"--memory {wanted}: only {free - overhead} is free with {overhead} for QEMU beside it (machine {MemoryTotal}, supervisor reserve {ReserveMemory}, owned by subOSes {OwnedMemory - current})");
        }
    }

    /// <summary>The NUMA nodes of <paramref name="cpus"/> as a list (<c>0-1</c>): the memory nodes a subOS allocates from.</summary>
    public NodeSet NodesOf(CpuSet cpus)
    {
        var nodes = NodeSet.Of(_cpus.Where(c => cpus.Contains(c.Id)).Select(c => Math.Max(0, c.NumaNode)));
        return nodes.IsEmpty ? NodeSet.Of(0) : nodes;
    }

    private CpuSet CheckList(CpuSet list, string? self)
    {
        var missing = list.Except(Online);
        if (!missing.IsEmpty)
        {
            throw RfException.Invalid($"--cpus {list}: CPU {missing} does not exist or is offline (online: {Online})");
        }

        var reserved = list.Intersect(ReserveCpus);
        if (!reserved.IsEmpty)
        {
            throw RfException.Conflict($"--cpus {list}: CPU {reserved} belongs to the supervisor partition");
        }

        foreach (var (owner, allocation) in _owners)
        {
            var clash = list.Intersect(allocation.Cpus);
            if (owner != self && !clash.IsEmpty)
            {
                throw RfException.Conflict($"--cpus {list}: CPU {clash} is owned by subOS '{owner}'");
            }
        }

        return list;
    }

    /// <summary>
    /// Picks <paramref name="count"/> free CPUs: whole cores first, on the NUMA node where the subOS
    /// already lives (or the node with most free CPUs), so that a subOS shares no core and as few caches as possible.
    /// </summary>
    private CpuSet Pick(int count, CpuSet free, CpuSet near)
    {
        if (count > free.Count)
        {
            throw RfException.Conflict($"--cpus: {count} CPU(s) wanted but only {free.Count} free ({(free.IsEmpty ? "none" : free.ToString())}; supervisor keeps {(ReserveCpus.IsEmpty ? "none" : ReserveCpus.ToString())})");
        }

        var byId = _cpus.ToDictionary(c => c.Id);
        var homeNodes = near.Select(c => byId.TryGetValue(c, out var info) ? info.NumaNode : 0).ToHashSet();
        var candidates = free
            .Select(id => byId.TryGetValue(id, out var info) ? info : new CpuInfo(id, id, 0, 0, id.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Empty, true))
            .GroupBy(c => (c.PackageId, c.CoreId))
            .Select(core => (Core: core.OrderBy(c => c.Id).ToList(), Node: core.First().NumaNode, Whole: core.Count() == CoreSize(byId, core.First())))
            .ToList();
        var freePerNode = candidates.GroupBy(c => c.Node).ToDictionary(g => g.Key, g => g.Sum(c => c.Core.Count));

        // A free sibling of a CPU the subOS already owns completes one of its cores: take those first,
        // then whole cores, on its own node, else on the lowest node that has room for all of them,
        // else spread from the node with the most free CPUs.
        var ordered = candidates
            .OrderByDescending(c => homeNodes.Contains(c.Node))
            .ThenByDescending(c => c.Core.Any(cpu => Siblings(cpu).Overlaps(near)))
            .ThenByDescending(c => freePerNode[c.Node] >= count)
            .ThenByDescending(c => freePerNode[c.Node] >= count ? 0 : freePerNode[c.Node])
            .ThenBy(c => c.Node)
            .ThenByDescending(c => c.Whole)
            .ThenBy(c => c.Core[0].Id);
        return CpuSet.Of(ordered.SelectMany(c => c.Core).Take(count).Select(c => c.Id));
    }

    private static int CoreSize(Dictionary<int, CpuInfo> byId, CpuInfo cpu) =>
        CpuSet.TryParse(cpu.SmtSiblings, out var siblings, out _) && !siblings.IsEmpty ? siblings.Count(byId.ContainsKey) : 1;

    private static CpuSet Siblings(CpuInfo cpu) =>
        CpuSet.TryParse(cpu.SmtSiblings, out var siblings, out _) && !siblings.IsEmpty ? siblings : CpuSet.Of(cpu.Id);

    /// <summary>Keeps <paramref name="keep"/> CPUs, giving back half-used cores first, then whole cores from the top.</summary>
    private CpuSet Shrink(CpuSet current, int keep)
    {
        if (keep < 1)
        {
            throw RfException.Invalid($"--cpus: a subOS keeps at least one CPU (it has {current.Count})");
        }

        var byId = _cpus.ToDictionary(c => c.Id);
        var kept = current
            .Select(id => (Id: id, Core: byId.TryGetValue(id, out var info) ? (info.PackageId, info.CoreId) : (0, id)))
            .GroupBy(c => c.Core)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Min(c => c.Id))
            .SelectMany(g => g.Select(c => c.Id).Order())
            .Take(keep);
        return CpuSet.Of(kept);
    }
}
