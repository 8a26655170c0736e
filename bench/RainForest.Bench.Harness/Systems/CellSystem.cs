using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor;
using RainForest.Supervisor.Network;

namespace RainForest.Bench.Harness.Systems;

/// <summary>
/// RainForest cells: a supervisor of its own, over a fresh temporary state directory (so its cgroups carry a
/// prefix no other supervisor uses), whose subOSes are the instances. Disposing destroys every subOS, removes
/// the supervisor's cgroups and deletes the state directory.
/// </summary>
internal sealed class CellSystem : BenchSystem
{
    private readonly string _statePath;
    private readonly RainForestSupervisor _supervisor;
    private readonly CpuSet _free;
    private readonly bool _reserveNone;

    /// <summary>Opens and initialises the temporary supervisor.</summary>
    /// <exception cref="RfException">The supervisor could not be set up (not root, no cgroups, no agent).</exception>
    public CellSystem(string runId)
    {
        _statePath = Path.Combine(Path.GetTempPath(), $"rf-bench-{runId}-state");
        var state = new StateDirectory(_statePath);
        _supervisor = RainForestSupervisor.Open(state);
        try
        {
            // On two CPUs the default reserve (the first core) would leave one CPU for subOSes: keep none.
            _reserveNone = HostCpus.Online().Count <= 2;
            _supervisor.Init(new InitOptions { ReserveCpus = _reserveNone ? CpuSet.Empty : null });
            _free = SupervisorQueries.FreeCpus(_supervisor);

            // Fail here, not at the first instance, when the agent binary is missing.
            SupervisorQueries.RequireAgent();
        }
        catch
        {
            try
            {
                Release();
            }
            catch (Exception e) when (e is RfException or IOException or UnauthorizedAccessException)
            {
                // The setup's own failure is the one to report.
            }

            throw;
        }
    }

    /// <summary>The supervisor (for the lifecycle benchmark).</summary>
    public RainForestSupervisor Supervisor => _supervisor;

    /// <inheritdoc />
    public override string Name => SystemNames.Cell;

    /// <inheritdoc />
    public override string Description =>
        $"cell: subOSes of a temporary supervisor (state {_statePath}, cgroup prefix {_supervisor.State.Prefix}, {SupervisorQueries.CgroupMode()} cgroups), " +
        $"each with an exclusive cpuset, a memory limit and its own pid, mount, uts, ipc, network (loopback only) and cgroup namespaces, root = the host's / copy-on-write; " +
        (_reserveNone ? "no CPU reserved for the supervisor (2-CPU machine); " : "the supervisor's default CPU reserve; ") +
        "the host is not confined (no --confine-host), so host tasks, the harness and the load generator may still run on the subOSes' CPUs.";

    /// <inheritdoc />
    public override int PartitionableCpus => _free.Count;

    /// <summary>The subOS's agent pid, on the host.</summary>
    public int AgentPid(string name) => _supervisor.Show(name).Record.AgentPid;

    /// <summary>
    /// Makes a subOS of one CPU on the loop network (RFloop: the subOSes reach each other as NAME.rf), for the
    /// channels benchmark; removed with the others.
    /// </summary>
    public BenchInstance CreateLoopInstance(string name, ByteSize memory) => Track(Make(name, 1, memory, NetMode.Loop));

    /// <inheritdoc />
    protected override BenchInstance Make(string name, int cpuCount, ByteSize memory) => Make(name, cpuCount, memory, NetMode.None);

    private CellInstance Make(string name, int cpuCount, ByteSize memory, NetMode net)
    {
        var record = _supervisor.Create(new CreateOptions
        {
            Name = name,
            Cpus = CpuRequest.Parse(cpuCount.ToString(System.Globalization.CultureInfo.InvariantCulture), false),
            Memory = memory,
            Net = net,
        });
        return new CellInstance(this, record.Name, cpuCount, record.Cpus, record.AgentPid);
    }

    /// <summary>Destroys one subOS (called by its instance).</summary>
    internal void DestroySubOs(string name)
    {
        if (SupervisorQueries.Exists(_supervisor, name))
        {
            _supervisor.Destroy(name);
        }
    }

    /// <summary>The agent's control socket.</summary>
    internal string Socket(string name) => _supervisor.AgentSocket(name);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            Release();
        }
    }

    private void Release()
    {
        try
        {
            _supervisor.Deinit(force: true);
        }
        finally
        {
            _supervisor.Dispose();
            if (Directory.Exists(_statePath))
            {
                Directory.Delete(_statePath, recursive: true);
            }
        }
    }
}
