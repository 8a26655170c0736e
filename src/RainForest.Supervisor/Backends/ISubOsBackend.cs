using RainForest.Core;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Security;

namespace RainForest.Supervisor.Backends;

/// <summary>
/// What realises a subOS on this machine. The supervisor's rooms (lifecycle, channels, reconcile, queries) reach a
/// subOS's kernel objects only through this interface, chosen per subOS by <see cref="SubOsRecord.Backend"/>, so that
/// a second kind (a kernel of its own under QEMU) plugs in beside the cell without touching them.
/// </summary>
/// <remarks>
/// The supervisor holds the ledger's write transaction around every call that changes something and commits only
/// when the call returned; a backend therefore undoes its own half-made work before it throws, and
/// <see cref="Stop"/> must be idempotent so that reconcile can finish what an interrupted command left.
/// </remarks>
public interface ISubOsBackend
{
    /// <summary>The kind this backend realises.</summary>
    SubOsBackendKind Kind { get; }

    /// <summary>
    /// Builds the subOS <paramref name="record"/> describes and returns once a command can run inside. On failure
    /// everything made is removed again before the exception propagates.
    /// </summary>
    /// <param name="record">The subOS, already in the ledger (uncommitted).</param>
    /// <param name="machine">The machine record (its nodes and prefix).</param>
    /// <param name="parentCpus">Every CPU subOSes may own: the supervisor's parent groups span them.</param>
    AgentProcesses Start(SubOsRecord record, MachineRecord machine, CpuSet parentCpus);

    /// <summary>Ends every process of the subOS and removes what the backend made for it; idempotent.</summary>
    /// <param name="name">The subOS.</param>
    /// <param name="monitorPid">Its monitor process from <see cref="AgentProcesses"/>, reaped when this process started it; 0 when unknown.</param>
    void Stop(string name, int monitorPid);

    /// <summary>Removes what this backend's subOSes share (a cell's prefix groups) once none of them is left; called after a destroy.</summary>
    void ReleaseShared();

    /// <summary>What the subOS needs on the host beside its memory, which the pool counts with it (QEMU's, for a kernel subOS).</summary>
    ByteSize MemoryOverhead => ByteSize.Zero;

    /// <summary>
    /// Checks a resize of a running subOS against what this backend can do for it (a guest's maxcpus, say), before
    /// the ledger or the kernel change: bad input throws exit code 2.
    /// </summary>
    void CheckResize(SubOsRecord before, SubOsRecord after)
    {
    }

    /// <summary>Gives the subOS new CPUs and memory nodes; its threads have moved when this returns.</summary>
    void ApplyCpus(string name, CpuSet cpus, NodeSet mems);

    /// <summary>Gives the subOS a new memory size (the kernel may refuse to shrink below what it uses).</summary>
    void ApplyMemory(string name, ByteSize memory);

    /// <summary>
    /// Shrinks the subOS's memory only if what it uses fits after a bounded reclaim; false, with nothing changed,
    /// when it would take OOM kills.
    /// </summary>
    bool TryShrinkMemory(string name, ByteSize memory);

    /// <summary>Shrinks the subOS's memory even below what it uses: programs are OOM-killed, never its agent.</summary>
    void ForceMemory(SubOsRecord record, ByteSize memory);

    /// <summary>
    /// Freezes every process of the subOS (a donor lent down to no CPU is parked) or thaws them; false where this
    /// backend or this machine cannot freeze (nothing changed).
    /// </summary>
    bool Freeze(string name, bool frozen) => false;

    /// <summary>Limits the subOS's CPU time to <paramref name="cpus"/> CPUs' worth, or lifts the limit (null); false where it cannot.</summary>
    bool ApplyCpuQuota(string name, double? cpus) => false;

    /// <summary>
    /// Puts the subOS's processes in the scheduler's idle class (they run only where no normal task wants the CPU) or
    /// back; false where this backend or this machine cannot (nothing changed).
    /// </summary>
    bool ApplyCpuIdle(string name, bool idle) => false;

    /// <summary>Whether the subOS's processes are in the scheduler's idle class now; null where this backend cannot tell.</summary>
    bool? ReadCpuIdle(string name) => null;

    /// <summary>
    /// Lets the subOS's cpuset overlap another subOS's (idle sharing) or makes its CPUs, <paramref name="cpus"/>, its
    /// own again (where the kernel keeps cpusets apart: cgroup v2 partitions). False where this backend cannot share.
    /// </summary>
    bool ApplyShared(string name, bool shared, CpuSet cpus) => false;

    /// <summary>
    /// True when a member of this backend maps a channel as a device of its own kernel (a guest's ivshmem BAR) rather
    /// than the file itself: the channel is then padded to a power of two and its sleepers poll.
    /// </summary>
    bool MapsChannelsAsDevices => false;

    /// <summary>Gives a running member the channel whose member link is <paramref name="file"/> (a cell sees the link already).</summary>
    void AttachChannel(string name, string channel, string file)
    {
    }

    /// <summary>Takes the channel away from a member again, before its file goes (nothing to do for a cell).</summary>
    void DetachChannel(string name, string channel)
    {
    }

    /// <summary>Gives the subOS a new pids limit.</summary>
    void ApplyPids(string name, long max);

    /// <summary>Rewrites the read-only description the subOS sees (<c>/run/rainforest/subos.json</c>).</summary>
    void WriteDescription(SubOsRecord record, MachineRecord machine);

    /// <summary>Rewrites the hosts file the subOS sees, so that RFloop members resolve each other by name.</summary>
    void WriteHosts(string name, string contents);

    /// <summary>True when the subOS's agent runs (the same process that started, not a reuse of its pid).</summary>
    bool IsAlive(SubOsRecord record);

    /// <summary>The Unix socket where the subOS's agent serves <c>rfm exec</c> and the supervisor's requests.</summary>
    string ExecEndpoint(string name);

    /// <summary>What the agent speaks at <see cref="ExecEndpoint"/>.</summary>
    ExecTransport Transport => ExecTransport.Descriptors;

    /// <summary>
    /// Checks the backend's own part of a create request and fills in its defaults, before anything is recorded or
    /// made: bad input throws exit code 2 with nothing changed.
    /// </summary>
    CreateOptions Check(CreateOptions options) => options;

    /// <summary>What the kernel holds for the subOS now, or null when it holds nothing of it.</summary>
    SubOsObservation? Observe(string name);

    /// <summary>True when anything of the subOS remains in the kernel or in its directory (a create that failed half-way).</summary>
    bool HasRemains(string name);

    /// <summary>The name of every subOS this backend holds in the kernel, ledger or not: reconcile removes those the ledger lacks.</summary>
    IReadOnlyList<string> Instances();

    /// <summary>Checks every guard of a running subOS from the host's side (<c>rfm audit</c>).</summary>
    AuditReport Audit(SubOsRecord record);
}
