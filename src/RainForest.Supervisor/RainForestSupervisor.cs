using System.Globalization;
using RainForest.Core;
using RainForest.Core.Elastic;
using RainForest.Core.Model;
using RainForest.Core.Topology;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Guard;
using RainForest.Linux.Kernel;
using RainForest.Linux.Topology;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Cells;
using RainForest.Supervisor.Channels;
using RainForest.Supervisor.Elastic;
using RainForest.Supervisor.Host;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Lifecycle;
using RainForest.Supervisor.Network;
using RainForest.Supervisor.Queries;
using RainForest.Supervisor.Reconcile;
using RainForest.Supervisor.Security;

namespace RainForest.Supervisor;

/// <summary>
/// The supervisor: the only writer of the ledger; creates, resizes and destroys subOSes and records
/// every adjustment. One instance serves one rfm command; instances in other processes are
/// serialised by the ledger's write transaction.
/// </summary>
/// <remarks>
/// A thin facade over rooms of its own, one concern each: <see cref="SubOsLifecycle"/> (create, start, resize,
/// destroy, exec, audit), <see cref="ChannelLifecycle"/>, <see cref="SubOsNetworking"/> (RFloop and NICs),
/// <see cref="HostSetup"/> (init, deinit, host confinement), <see cref="Reconciler"/> and
/// <see cref="SupervisorQueries"/>; each subOS's kernel work goes to its <see cref="ISubOsBackend"/>. The ledger
/// and the cgroup driver stay inside: callers see records, statuses and summaries, never the stores behind them.
/// </remarks>
public sealed class RainForestSupervisor : IDisposable
{
    /// <summary>The name of the supervisor's own cgroup under the prefix (used by --confine-host).</summary>
    public const string SupervisorGroup = "supervisor";

    private readonly ResourceLedger _ledger;
    private readonly CgroupDriver _cgroups;
    private readonly SubOsLifecycle _lifecycle;
    private readonly ChannelLifecycle _channels;
    private readonly HostSetup _host;
    private readonly Reconciler _reconciler;
    private readonly SupervisorQueries _queries;
    private readonly UsageSampler _usage;
    private readonly ElasticLending _elastic;
    private readonly Journal _journal;

    private RainForestSupervisor(StateDirectory state, ResourceLedger ledger, CgroupDriver cgroups, KernelFiles kernel, BackendFactory makeBackends)
    {
        State = state;
        HostRoot = kernel.Root;
        _ledger = ledger;
        _cgroups = cgroups;

        // Everything this supervisor may delete, kill in or write: its prefix groups, its subOS
        // directories (not the ledger beside them), its channel root and its lxcfs directory.
        var guard = new PrefixGuard([.. cgroups.ParentDirectories(), state.SubOsRoot, state.ChannelRoot, LxcfsService.RootOf(state.Prefix)], state.Prefix);

        // lxcfs renders this machine's /proc for its subOSes: none for other kernels' files (a captured tree, a
        // fixture kernel), which stand for another machine.
        var lxcfs = kernel == KernelFiles.Host ? new LxcfsService(state.Prefix, guard, LxcfsService.Locate(), cgroups.Layout.Mode == CgroupMode.V2) : null;
        var journal = _journal = new Journal(ledger);
        var backends = new SubOsBackends([.. makeBackends(state, cgroups, guard, lxcfs)]);
        var network = new SubOsNetworking(ledger, backends, guard, kernel);
        var pending = new PendingDestroys(state, guard);
        _channels = new ChannelLifecycle(ledger, journal, state, guard, backends);
        _lifecycle = new SubOsLifecycle(ledger, journal, backends, network, _channels, kernel, pending);
        _host = new HostSetup(ledger, journal, cgroups, state, kernel, backends, _lifecycle, _channels, network, lxcfs);
        _reconciler = new Reconciler(ledger, journal, backends, state, guard, network, _channels, lxcfs);
        _queries = new SupervisorQueries(ledger, backends, cgroups, pending);
        _usage = new UsageSampler(ledger, backends, cgroups, state);
        _elastic = new ElasticLending(ledger, journal, backends);
    }

    /// <summary>Makes the backends a supervisor offers, over its state directory, cgroup driver, guard and lxcfs (null for none).</summary>
    internal delegate IEnumerable<ISubOsBackend> BackendFactory(StateDirectory state, CgroupDriver cgroups, PrefixGuard guard, LxcfsService? lxcfs);

    /// <summary>The state directory.</summary>
    public StateDirectory State { get; }

    /// <summary>Root of the /proc and /sys trees read for topology and host confinement ("/" on a real host).</summary>
    public string HostRoot { get; }

    /// <summary>The cgroup interface this supervisor drives: v1, hybrid or v2.</summary>
    public CgroupMode CgroupMode => _cgroups.Layout.Mode;

    /// <summary>True once <see cref="Init"/> has recorded the machine, until <see cref="Deinit"/>.</summary>
    public bool IsInitialised => _queries.IsInitialised;

    /// <summary>Opens the supervisor over a state directory, creating it if needed.</summary>
    /// <param name="state">The state directory.</param>
    /// <param name="kernel">The kernel's files: null for the running kernel's (<see cref="KernelFiles.Host"/>), a fixture kernel in tests.</param>
    /// <param name="cgroupLayout">The cgroup layout; null to detect the one <paramref name="kernel"/> shows.</param>
    public static RainForestSupervisor Open(StateDirectory state, KernelFiles? kernel = null, CgroupLayout? cgroupLayout = null) =>
        Open(state, kernel ?? KernelFiles.Host, cgroupLayout, BuiltInBackends);

    /// <summary>Opens the supervisor with the backends <paramref name="makeBackends"/> makes (tests put a recording one in the cell's place).</summary>
    internal static RainForestSupervisor Open(StateDirectory state, KernelFiles kernel, CgroupLayout? cgroupLayout, BackendFactory makeBackends)
    {
        if (Environment.UserName != "root" && kernel == KernelFiles.Host)
        {
            throw RfException.Invalid("rfm must run as root: it creates cgroups, namespaces and mounts");
        }

        var existed = Directory.Exists(state.Path);
        try
        {
            state.EnsureCreated();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RfException.Failed($"cannot create the state directory {state.Path}: {e.Message}");
        }

        CgroupLayout layout;
        try
        {
            layout = cgroupLayout ?? CgroupLayout.Detect(kernel);
        }
        catch (InvalidOperationException e)
        {
            throw RfException.Failed(e.Message);
        }

        ResourceLedger ledger;
        try
        {
            ledger = ResourceLedger.Open(state.LedgerPath);
        }
        catch (LedgerFullException) when (!existed)
        {
            // A full file system: leave no empty state directory behind (non-recursive deletes: only what was just made).
            Directory.Delete(state.SubOsRoot);
            Directory.Delete(state.Path);
            throw;
        }

        return new RainForestSupervisor(state, ledger, CgroupDriver.For(kernel, layout, state.Prefix), kernel, makeBackends);
    }

    /// <summary>Reads the machine's topology under <paramref name="root"/> (<c>rfm topo</c>; no supervisor needed).</summary>
    /// <exception cref="InvalidDataException">The tree is not a readable /sys and /proc.</exception>
    /// <exception cref="IOException">A file could not be read.</exception>
    public static MachineTopology Topology(string root) => TopologyReader.Read(root);

    /// <summary>
    /// Checks <c>--nic</c> names (syntax, and that the host has them) without the ledger: the CLI calls
    /// it before it opens anything. Ownership is checked in the create's transaction.
    /// </summary>
    /// <exception cref="RfException">A name is invalid or names no interface (exit code 2).</exception>
    public static void CheckNics(IEnumerable<string> nics, KernelFiles? kernel = null) => SubOsNetworking.CheckNics(nics, kernel ?? KernelFiles.Host);

    // Host set-up.

    /// <summary>Records the machine and the supervisor partition; may run again while no subOS conflicts.</summary>
    public MachineRecord Init(InitOptions options) => _host.Init(options);

    /// <summary>Undoes init: restores a confined host and removes the prefix cgroups. With <paramref name="force"/>, destroys every subOS first.</summary>
    public void Deinit(bool force)
    {
        // Forced, it destroys every subOS: as a destroy of each would, loans go back first (takers before donors) and a
        // parked donor thaws; a frozen v1 task cannot die, so its cgroup could not be removed.
        if (force && !_ledger.IsFull)
        {
            foreach (var s in _ledger.List().OrderBy(s => _ledger.Loans(s.Name).Count == 0))
            {
                _elastic.BeforeDestroy(s.Name);
            }
        }

        _host.Deinit(force);
    }

    // The subOS lifecycle.

    /// <summary>Creates a subOS and returns it once a command can run inside.</summary>
    public SubOsRecord Create(CreateOptions options) => _lifecycle.Create(options);

    /// <summary>Restarts a subOS whose agent died, with the resources it still owns.</summary>
    public SubOsRecord Start(string name)
    {
        _elastic.RequireNotParked(name, "start");
        return _lifecycle.Start(name);
    }

    /// <summary>Changes a subOS's CPUs, memory and/or pids limit while its programs run.</summary>
    /// <param name="name">The subOS.</param>
    /// <param name="cpus">New CPUs, or null to keep them.</param>
    /// <param name="memory">New memory size, or null to keep it.</param>
    /// <param name="pids">New pids limit, or null to keep it.</param>
    /// <param name="force">Shrink memory below what is in use by OOM-killing programs; without it such a shrink is refused (exit code 2).</param>
    public SubOsRecord Resize(string name, CpuRequest? cpus, ByteSize? memory, long? pids = null, bool force = false)
    {
        if (cpus is not null)
        {
            _elastic.RequireNotParked(SubOsName.Check(name), "be resized");
        }

        var record = _lifecycle.Resize(name, cpus, memory, pids, force);
        if (cpus is not null)
        {
            // What runs in its idle time (or whose idle time it runs in) follows its new CPUs.
            _elastic.Follow(name);
        }

        return record;
    }

    /// <summary>
    /// Destroys several subOSes: every name is checked (its syntax, then that it exists) before the
    /// first is touched, so an invalid-input error means nothing changed.
    /// </summary>
    /// <param name="names">The subOSes, destroyed in this order.</param>
    /// <param name="destroyed">Called after each one is gone, with whether the ledger records it yet (a later one may still fail at run time).</param>
    public void Destroy(IReadOnlyList<string> names, Action<string, DestroyOutcome>? destroyed = null)
    {
        // Only once every name is known: a destroy that names an unknown subOS changes nothing at all.
        SubOsName.CheckAll(names);
        if (names.All(n => _ledger.Find(n) is not null))
        {
            foreach (var name in names)
            {
                _elastic.BeforeDestroy(name);
            }
        }

        _lifecycle.Destroy(names, destroyed);
    }

    /// <summary>Ends every process of a subOS, removes its cgroups, mounts and namespaces, and frees its resources.</summary>
    /// <returns>
    /// <see cref="DestroyOutcome.Unrecorded"/> when the state directory's file system is full: the kernel's objects are
    /// gone and the ledger records the destroy at the first command after space returns.
    /// </returns>
    public DestroyOutcome Destroy(string name)
    {
        _elastic.BeforeDestroy(SubOsName.Check(name));
        return _lifecycle.Destroy(name);
    }

    /// <summary>The control socket of a running subOS (<c>rfm exec</c> talks to its agent there).</summary>
    public string AgentSocket(string name) => _lifecycle.ExecEndpoint(name).Path;

    /// <summary>Where and how <c>rfm exec</c> reaches a running subOS's agent (a cell's takes descriptors, a guest's streams).</summary>
    public AgentEndpoint AgentEndpoint(string name) => _lifecycle.ExecEndpoint(name);

    /// <summary>Checks every guard of a running subOS from the host's side (<c>rfm audit</c>).</summary>
    public AuditReport Audit(string name) => _lifecycle.Audit(name);

    // Channels.

    /// <summary>
    /// Creates a FICM channel: its shared memory on /dev/shm under the prefix, reachable only inside the
    /// member subOSes at /run/rainforest/channels/NAME (a hard link in each member's bound directory).
    /// </summary>
    public ChannelRecord CreateChannel(ChannelOptions options) => _channels.Create(options);

    /// <summary>Destroys several channels: every name is checked (syntax, then existence) before the first is touched.</summary>
    /// <param name="names">The channels, destroyed in this order.</param>
    /// <param name="destroyed">Called after each one is gone.</param>
    public void DestroyChannels(IReadOnlyList<string> names, Action<string>? destroyed = null) => _channels.Destroy(names, destroyed);

    /// <summary>Destroys a channel: unlinks it from every member and frees its memory once the last mapping goes.</summary>
    public void DestroyChannel(string name) => _channels.Destroy(name);

    /// <summary>Every channel.</summary>
    public IReadOnlyList<ChannelRecord> Channels() => _channels.All();

    // Reconcile.

    /// <summary>
    /// Brings the ledger and the kernel back in line after a crash: dead agents, orphaned cgroups and
    /// directories, and cgroup settings that differ from the ledger (a resize interrupted after the
    /// kernel write). Returns one line per repair.
    /// </summary>
    /// <remarks>
    /// First it records the destroys made while the state directory's file system was full; last it returns the loans
    /// whose time is up.
    /// </remarks>
    /// <exception cref="LedgerFullException">The file system is full: nothing can be recorded (the kernel's repairs may be made).</exception>
    public IReadOnlyList<string> Reconcile()
    {
        var settled = new List<string>();
        var recorded = _lifecycle.RecordPendingDestroys(name => settled.AddRange(_elastic.SettleDestroyed(name)));
        return [.. settled, .. recorded, .. _reconciler.Run(), .. _elastic.ReturnExpired()];
    }

    /// <summary>True when the ledger was opened on a full file system: queries, exec and destroy work; every other change fails.</summary>
    public bool LedgerIsFull => _ledger.IsFull;

    /// <summary>Checks the ledger's invariants against its own rows and returns every violation (empty when sound).</summary>
    public IReadOnlyList<string> CheckInvariants() => _queries.CheckInvariants();

    // Elasticity: lending, parking, quotas and policies.

    /// <summary>
    /// Lends <paramref name="cpus"/> CPUs from <paramref name="donor"/> to <paramref name="taker"/> in one transaction,
    /// journalled as <c>lend</c> and <c>borrow</c> with <paramref name="reason"/>; a donor left with none is parked (frozen).
    /// </summary>
    /// <param name="donor">The subOS that lends.</param>
    /// <param name="taker">The subOS that borrows.</param>
    /// <param name="cpus">How many CPUs.</param>
    /// <param name="reason">Why (the latency that triggered it).</param>
    /// <param name="duration">How long the loan lasts (returned by the next reconcile after); null until reclaimed.</param>
    public LoanRecord Lend(string donor, string taker, int cpus, string reason, TimeSpan? duration = null) => _elastic.Lend(donor, taker, cpus, reason, duration);

    /// <summary>Returns lent CPUs: the newest loans of <paramref name="taker"/> (of every taker when null) first; all, or <paramref name="cpus"/>.</summary>
    public IReadOnlyList<LoanRecord> Reclaim(string? taker, int? cpus, string reason) => _elastic.Reclaim(taker, cpus, reason);

    /// <summary>Limits a subOS's CPU time to <paramref name="cpus"/> CPUs' worth (the slack policy's donor quota), or lifts it (null).</summary>
    public void SetCpuQuota(string name, double? cpus, string reason) => _elastic.SetCpuQuota(name, cpus, reason);

    /// <summary>
    /// Lets <paramref name="borrower"/> run in <paramref name="lender"/>'s idle time (<c>rfm lend LENDER BORROWER --idle</c>):
    /// the lender's CPUs join the borrower's cpuset and stay the lender's, and the borrower's processes run in the
    /// scheduler's idle class, so the lender's tasks preempt them at once. Journalled as lend and borrow.
    /// </summary>
    public void ShareIdle(string lender, string borrower, string reason) => _elastic.ShareIdle(lender, borrower, reason);

    /// <summary>Ends <paramref name="borrower"/>'s run in another subOS's idle time; owning no CPU, it is parked.</summary>
    public void EndIdle(string borrower, string reason) => _elastic.EndIdle(borrower, reason);

    /// <summary>Outstanding loans, oldest first.</summary>
    public IReadOnlyList<LoanRecord> Loans(string? taker = null) => _elastic.Loans(taker);

    /// <summary>Whether a subOS is parked and its CPU quota.</summary>
    public ElasticState ElasticStateOf(string name) => _elastic.StateOf(SubOsName.Check(name));

    /// <summary>Stores (or replaces) the policy of <see cref="ElasticPolicySpec.Taker"/>; both subOSes must exist.</summary>
    public void SetPolicy(ElasticPolicySpec spec) => _elastic.SetPolicy(spec);

    /// <summary>Removes the policy of <paramref name="taker"/> (exit 2 when it has none).</summary>
    public void RemovePolicy(string taker) => _elastic.RemovePolicy(taker);

    /// <summary>Every policy, by taker.</summary>
    public IReadOnlyList<ElasticPolicySpec> Policies() => _ledger.Policies();

    /// <summary>A number that changes whenever a policy is set or removed (a service re-reads the policies only then).</summary>
    public long PolicyVersion() => _ledger.PolicyVersion();

    // Queries.

    /// <summary>Every subOS with its live state.</summary>
    public IReadOnlyList<SubOsStatus> List() => _queries.List();

    /// <summary>One subOS with its live state.</summary>
    public SubOsStatus Show(string name) => _queries.Show(name);

    /// <summary>What the kernel holds for a subOS now (its CPUs, limits and processes), or null when it holds nothing of it.</summary>
    public SubOsObservation? Observe(string name) => _queries.Observe(name);

    /// <summary>The partition: what the supervisor keeps and what is still free for subOSes.</summary>
    /// <exception cref="RfException">rfm init has not run (exit code 2).</exception>
    public PoolSummary Pool() => _queries.Pool();

    /// <summary>The journal, oldest first; <paramref name="last"/> keeps the newest entries, <paramref name="target"/> one subOS's.</summary>
    public IReadOnlyList<JournalEntry> Journal(int? last = null, string? target = null) => _queries.Journal(last, target);

    /// <summary>
    /// Removes the journal entries older than <paramref name="olderThan"/> and those before the newest
    /// <paramref name="keepNewest"/> (either alone when the other is null), journals the removal itself as
    /// <c>journal-vacuum</c>, then gives the ledger's free pages back to the file system.
    /// </summary>
    /// <exception cref="RfException">Neither is given, or one is not positive (exit code 2, nothing removed); the state
    /// directory's file system is full (free space first: the removal itself writes).</exception>
    public JournalVacuum VacuumJournal(TimeSpan? olderThan, int? keepNewest)
    {
        if (olderThan is null && keepNewest is null)
        {
            throw RfException.Invalid("nothing to remove: give an age (--vacuum-time 30d) or a number of entries to keep (--vacuum-entries 10000)");
        }

        if (olderThan <= TimeSpan.Zero || keepNewest < 1)
        {
            throw RfException.Invalid("the age must be positive and at least one entry kept");
        }

        var bytesBefore = _ledger.FileBytes;
        var cutoff = DateTimeOffset.UtcNow - olderThan;
        var rules = string.Join(" or ", new[]
        {
            cutoff is { } c ? "older than " + c.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : null,
            keepNewest is { } k ? $"before the newest {k}" : null,
        }.OfType<string>());
        var (removed, left, oldest) = _journal.Run("journal-vacuum", "machine", () =>
        {
            var pruned = _ledger.PruneJournal(cutoff, keepNewest);
            return (pruned, JournalVacuum.Entries(pruned.Removed + pruned.Left), JournalVacuum.Entries(pruned.Left));
        }, message: "removed the entries " + rules);

        // The entries are gone once committed; giving their pages back is a bonus that a nearly full disk may refuse.
        string? compactError = null;
        try
        {
            _ledger.Compact();
        }
        catch (RfException e)
        {
            compactError = e.Message;
        }

        return new JournalVacuum(removed, left, oldest, rules, bytesBefore, _ledger.FileBytes, compactError);
    }

    /// <summary>The journal entries committed after entry <paramref name="afterId"/>, oldest first, at most <paramref name="limit"/> (for followers such as the service's event stream).</summary>
    public IReadOnlyList<JournalEntry> JournalAfter(long afterId, int limit = 256) => _queries.JournalAfter(afterId, limit);

    /// <summary>What every subOS and channel ring has used, read now from the kernel (the service's metrics).</summary>
    public UsageSample Usage() => _usage.Sample();

    /// <summary>What the subOS <paramref name="name"/> has used, read now from the kernel; null when there is none of that name.</summary>
    public SubOsUsage? Usage(string name) => _usage.Sample(name);

    /// <summary>The cgroup directories of a subOS under this supervisor's prefix.</summary>
    public IReadOnlyList<string> CgroupDirectories(string name) => _queries.CgroupDirectories(name);

    /// <inheritdoc/>
    public void Dispose() => _ledger.Dispose();

    /// <summary>Every backend this build offers: the cell. A kernel backend joins here, and nowhere in the rooms.</summary>
    private static IEnumerable<ISubOsBackend> BuiltInBackends(StateDirectory state, CgroupDriver cgroups, PrefixGuard guard, LxcfsService? lxcfs) =>
        [new CellBackend(state, cgroups, guard, lxcfs), new Kernels.KernelBackend(state, cgroups, guard)];
}
