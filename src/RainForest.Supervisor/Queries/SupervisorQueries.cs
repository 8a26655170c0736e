using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux.Cgroups;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Lifecycle;

namespace RainForest.Supervisor.Queries;

/// <summary>
/// The supervisor's query room: what <c>rfm ls</c>, <c>show</c>, <c>log</c> and <c>reconcile</c> print, read from
/// the ledger and, for live state, from each subOS's backend. Nothing here writes.
/// </summary>
internal sealed class SupervisorQueries
{
    private readonly ResourceLedger _ledger;
    private readonly SubOsBackends _backends;
    private readonly CgroupDriver _cgroups;
    private readonly PendingDestroys _pending;

    public SupervisorQueries(ResourceLedger ledger, SubOsBackends backends, CgroupDriver cgroups, PendingDestroys pending)
    {
        _ledger = ledger;
        _backends = backends;
        _cgroups = cgroups;
        _pending = pending;
    }

    /// <summary>True once <c>rfm init</c> has recorded the machine.</summary>
    public bool IsInitialised => _ledger.IsInitialized;

    /// <summary>The partition: what the supervisor keeps and what is free.</summary>
    /// <exception cref="RfException">rfm init has not run (exit code 2).</exception>
    public PoolSummary Pool()
    {
        var pool = _ledger.Pool();
        if (_pending.All() is { Count: > 0 } pending)
        {
            // What a destroy on a full disk freed is free, though the ledger records it only once space returns.
            var machine = _ledger.RequireMachine();
            var gone = pending.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var owners = _ledger.List().Where(s => !gone.Contains(s.Name)).ToDictionary(s => s.Name, s => s.Allocation());
            pool = new ResourcePool(machine.Topology, machine.ReserveCpus, machine.ReserveMemory, owners);
        }

        return new PoolSummary(pool.Online, pool.ReserveCpus, pool.ReserveMemory, pool.FreeCpus, pool.FreeMemory);
    }

    /// <summary>Every subOS with its live state.</summary>
    /// <remarks>A subOS destroyed while the disk was full is left out: the kernel no longer holds it.</remarks>
    public IReadOnlyList<SubOsStatus> List() => [.. _ledger.List().Where(r => !_pending.Contains(r.Name)).Select(Status)];

    /// <summary>One subOS with its live state.</summary>
    public SubOsStatus Show(string name) =>
        _pending.Contains(SubOsName.Check(name)) ? throw PendingDestroys.Gone(name) : Status(_ledger.Require(name));

    /// <summary>What the kernel holds for a subOS now, or null when it holds nothing of it.</summary>
    public SubOsObservation? Observe(string name)
    {
        // One ledger row, not the record: benchmarks poll this while they time a resize.
        var kind = _ledger.BackendOf(SubOsName.Check(name)) ?? throw LedgerLookups.UnknownSubOs(name);
        return _backends[kind].Observe(name);
    }

    /// <summary>The journal, oldest first; <paramref name="last"/> keeps the newest entries, <paramref name="target"/> one subOS's.</summary>
    public IReadOnlyList<JournalEntry> Journal(int? last, string? target) => _ledger.Journal(last, target);

    /// <summary>The journal entries after <paramref name="afterId"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<JournalEntry> JournalAfter(long afterId, int limit) => _ledger.JournalAfter(afterId, limit);

    /// <summary>Every violation of the ledger's invariants (empty when sound).</summary>
    public IReadOnlyList<string> CheckInvariants() => _ledger.CheckInvariants();

    /// <summary>The cgroup directories a subOS of this name has (or would have) under the prefix.</summary>
    public IReadOnlyList<string> CgroupDirectories(string name) =>
        [.. _cgroups.ParentDirectories().Select(d => $"{d}/{SubOsName.Check(name)}")];

    private SubOsStatus Status(SubOsRecord record)
    {
        var backend = _backends.For(record);
        var alive = record.State == SubOsState.Running && backend.IsAlive(record);
        var elastic = _ledger.ElasticStateOf(record.Name);
        if (!alive || backend.Observe(record.Name) is not { } kernel)
        {
            return new SubOsStatus(record, alive, 0, 0, string.Empty) { Parked = elastic.Parked, CpuQuota = elastic.CpuQuota, IdleOn = elastic.IdleOn };
        }

        return new SubOsStatus(record, alive, kernel.MemoryUsage.Bytes, kernel.Pids.Count, kernel.Cpus.ToString())
        {
            Partition = kernel.Partition, Parked = elastic.Parked, CpuQuota = elastic.CpuQuota, IdleOn = elastic.IdleOn, Vcpus = kernel.Vcpus,
        };
    }
}
