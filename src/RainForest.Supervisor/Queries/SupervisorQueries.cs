using RainForest.Core;
using RainForest.Linux.Cgroups;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Ledger;

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

    public SupervisorQueries(ResourceLedger ledger, SubOsBackends backends, CgroupDriver cgroups)
    {
        _ledger = ledger;
        _backends = backends;
        _cgroups = cgroups;
    }

    /// <summary>True once <c>rfm init</c> has recorded the machine.</summary>
    public bool IsInitialised => _ledger.IsInitialized;

    /// <summary>The partition: what the supervisor keeps and what is free.</summary>
    /// <exception cref="RfException">rfm init has not run (exit code 2).</exception>
    public PoolSummary Pool()
    {
        var pool = _ledger.Pool();
        return new PoolSummary(pool.Online, pool.ReserveCpus, pool.ReserveMemory, pool.FreeCpus, pool.FreeMemory);
    }

    /// <summary>Every subOS with its live state.</summary>
    public IReadOnlyList<SubOsStatus> List() => [.. _ledger.List().Select(Status)];

    /// <summary>One subOS with its live state.</summary>
    public SubOsStatus Show(string name) => Status(_ledger.Require(SubOsName.Check(name)));

    /// <summary>What the kernel holds for a subOS now, or null when it holds nothing of it.</summary>
    public SubOsObservation? Observe(string name)
    {
        // One ledger row, not the record: benchmarks poll this while they time a resize.
        var kind = _ledger.BackendOf(SubOsName.Check(name)) ?? throw LedgerLookups.UnknownSubOs(name);
        return _backends[kind].Observe(name);
    }

    /// <summary>The journal, oldest first; <paramref name="last"/> keeps the newest entries, <paramref name="target"/> one subOS's.</summary>
    public IReadOnlyList<JournalEntry> Journal(int? last, string? target) => _ledger.Journal(last, target);

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
            return new SubOsStatus(record, alive, 0, 0, string.Empty) { Parked = elastic.Parked, CpuQuota = elastic.CpuQuota };
        }

        return new SubOsStatus(record, alive, kernel.MemoryUsage.Bytes, kernel.Pids.Count, kernel.Cpus.ToString())
        {
            Partition = kernel.Partition, Parked = elastic.Parked, CpuQuota = elastic.CpuQuota,
        };
    }
}
