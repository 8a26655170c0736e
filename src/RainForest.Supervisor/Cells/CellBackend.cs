using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using RainForest.Core;
using RainForest.Core.Agent;
using RainForest.Core.Model;
using RainForest.Linux;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Namespaces;
using RainForest.Linux.Guard;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Host;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Security;

namespace RainForest.Supervisor.Cells;

/// <summary>
/// The cell backend: realises a subOS on the host kernel with an exclusive cpuset, a memory cgroup,
/// fresh namespaces and a copy-on-write root, carried by an agent that is pid 1 inside.
/// </summary>
public sealed class CellBackend : ISubOsBackend
{
    /// <summary>Environment variable naming the rf-agent binary (default: next to rfm).</summary>
    public const string AgentVariable = "RF_AGENT";

    private readonly StateDirectory _state;
    private readonly CgroupDriver _cgroups;
    private readonly PrefixGuard _guard;
    private readonly LxcfsService? _lxcfs;

    /// <summary>Creates the backend over a state directory, a cgroup driver and the supervisor's guard.</summary>
    /// <param name="state">The state directory.</param>
    /// <param name="cgroups">The cgroup driver.</param>
    /// <param name="guard">The supervisor's prefix guard.</param>
    /// <param name="lxcfs">The supervisor's lxcfs, whose files each subOS sees over its /proc; null for none.</param>
    public CellBackend(StateDirectory state, CgroupDriver cgroups, PrefixGuard guard, LxcfsService? lxcfs = null)
    {
        _state = state;
        _cgroups = cgroups;
        _guard = guard;
        _lxcfs = lxcfs;
    }

    /// <inheritdoc/>
    public SubOsBackendKind Kind => SubOsBackendKind.Cell;

    /// <summary>Where a subOS sees the directory of the rf-agent that runs it (and the tools beside it).</summary>
    public const string ToolsInside = "/run/rainforest/bin";

    /// <summary>How long an agent may take to report ready before the create fails.</summary>
    public static TimeSpan ReadyTimeout { get; } = TimeSpan.FromSeconds(15);

    /// <summary>The rf-agent binary this supervisor starts.</summary>
    public static string AgentPath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable(AgentVariable);
            if (string.IsNullOrEmpty(path))
            {
                path = Path.Combine(AppContext.BaseDirectory, "rf-agent");
            }

            return File.Exists(path) ? path : throw RfException.Failed($"the subOS agent {path} is missing (build it with ./rfm, or set {AgentVariable})");
        }
    }

    /// <summary>
    /// Creates the subOS's cgroups, directory and agent, and waits until the agent serves commands.
    /// On failure everything made is removed again before the exception propagates.
    /// </summary>
    /// <remarks>The path down to the kernel for <c>rfm create --cpus</c>: docs/architecture.md.</remarks>
    public AgentProcesses Start(SubOsRecord record, MachineRecord machine, CpuSet parentCpus)
    {
        var agent = AgentPath;
        var dir = _state.SubOsDirectory(record.Name);
        var monitor = 0;
        var trace = new PhaseTrace("start " + record.Name);
        NamespaceHolder? idMap = null;
        try
        {
            // The user namespace whose mapping the agent borrows for the root's owners: started first, so
            // that util-linux unshare runs while the agent itself starts.
            var unshare = SystemTools.Require("unshare");
            if (!record.Privileged)
            {
                idMap = NamespaceHolder.Start(unshare, SystemTools.Require("cat"), "/proc", "user");
            }

            PrepareDirectory(record, machine, dir, idMap?.Pid ?? 0, _lxcfs?.ViewFor(record.Name));
            trace.Mark("directory");
            _cgroups.EnsureParent(parentCpus, AllNodes(machine));
            _cgroups.Create(record.Name, record.Cpus, record.Mems.ToString(), record.Memory);
            if (record.PidsMax > 0 && !_cgroups.SetPids(record.Name, record.PidsMax))
            {
                Console.Error.WriteLine($"rfm: warning: no pids controller: subOS '{record.Name}' has no pids limit (a fork bomb inside can reach the host)");
            }

            trace.Mark("cgroups");

            using var ready = Pipe.Create();
            using var log = File.Open(Path.Combine(dir, "agent.log"), FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
            var shell = SystemTools.Require("sh");
            monitor = Spawner.Spawn(new SpawnOptions
            {
                Path = shell,
                Argv = [shell, "-c", LaunchScript, unshare, agent, Path.Combine(dir, "spec.json"), .. _cgroups.ProcsFiles(record.Name)],
                Fds = new Dictionary<int, SafeHandle> { [1] = log.SafeFileHandle, [2] = log.SafeFileHandle, [3] = ready.Write },
                WorkingDirectory = "/",
                NewSession = true,
            });
            ready.CloseWrite();
            trace.Mark("spawn");
            if (idMap is not null)
            {
                var ids = new IdMapping(0, record.IdBase, IdRanges.Size);
                idMap.WaitUntilMade(ReadyTimeout);
                idMap.MapIds(ids, ids);
                trace.Mark("id map");
            }

            var (text, _) = ready.ReadLine(ReadyTimeout);
            trace.Mark("agent ready");
            var line = text.Trim();
            if (!line.StartsWith("ready ", StringComparison.Ordinal))
            {
                var reason = line.StartsWith("error ", StringComparison.Ordinal) ? line[6..]
                    : line.Length == 0 ? $"the agent did not report ready within {ReadyTimeout.TotalSeconds:0} s" : line;
                throw RfException.Failed($"subOS '{record.Name}' did not start: {reason}");
            }

            var agentPid = int.Parse(line[6..], CultureInfo.InvariantCulture);
            var start = ProcessInfo.StartTime(agentPid) ?? throw RfException.Failed($"subOS '{record.Name}': its agent exited right after start (see {dir}/agent.log)");
            return new AgentProcesses(agentPid, start, monitor);
        }
        catch
        {
            if (monitor > 0)
            {
                ProcessInfo.Kill(monitor);
            }

            Stop(record.Name, monitor);
            throw;
        }
        finally
        {
            // Once the agent is ready it holds the namespace through its idmapped mount; the holder goes.
            idMap?.Dispose();
        }
    }

    /// <summary>
    /// The first stage of a subOS: joins its cgroups, then becomes util-linux unshare, which makes the
    /// namespaces and starts the agent as pid 1. Arguments: unshare, the agent, its spec, the cgroup.procs files.
    /// </summary>
    /// <remarks>
    /// The cgroups are joined before the namespaces are made, so that the cgroup namespace's root is the
    /// subOS's own group and every process of the subOS, pid 1 included, is charged to it from birth. A .NET
    /// process cannot unshare its mount namespace nor fork safely into a new pid namespace, so this stage is
    /// the shell, which starts in a third of the time a second agent process would (this is create's
    /// critical path). Failures go to the ready descriptor (3) as the agent's own do.
    /// </remarks>
    private const string LaunchScript = """
        unshare=$0 agent=$1 spec=$2; shift 2
        for procs do echo $$ > "$procs" || { echo "error launch: cannot join the cgroup $procs" >&3; exit 1; }; done
        exec "$unshare" --pid --fork --mount --uts --ipc --net --cgroup --propagation private -- "$agent" init "$spec"
        """;

    /// <summary>
    /// Ends every process of the subOS and removes its cgroups and directory; idempotent, so that
    /// repair can call it on half-made or half-removed subOSes.
    /// </summary>
    /// <exception cref="GuardViolationException">The name is not one path component, or its directory or groups lie outside the prefix; nothing was touched.</exception>
    public void Stop(string name, int monitorPid)
    {
        // Prove the directory before the first kill: a refusal must leave everything as it was.
        // ("" would name the subos folder itself, ".." the state directory.)
        PrefixGuard.CheckComponent(name);
        var dir = _guard.CheckInside(_state.SubOsDirectory(name));

        // Killing every process in the cgroup kills pid 1 inside, which takes its namespaces and
        // mounts with it; the private tmpfs layers vanish with the mount namespace.
        // Remove proves the groups below the prefix before it kills.
        _cgroups.Remove(name, TimeSpan.FromSeconds(10));
        if (monitorPid > 0)
        {
            // The unshare process is this process's child when the same rfm created the subOS.
            ProcessInfo.TryReap(monitorPid);
        }

        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Removes the prefix groups once they hold no subOS (nor the supervisor's own group).</summary>
    public void ReleaseShared() => _cgroups.RemoveParentIfEmpty();

    /// <summary>Applies new CPUs; the kernel has moved the subOS's threads when this returns.</summary>
    public void ApplyCpus(string name, CpuSet cpus, NodeSet mems) => _cgroups.SetCpus(name, cpus, mems.ToString());

    /// <inheritdoc/>
    public bool Freeze(string name, bool frozen) => _cgroups.SetFrozen(name, frozen);

    /// <inheritdoc/>
    public bool ApplyCpuQuota(string name, double? cpus) => _cgroups.SetCpuQuota(name, cpus);

    /// <inheritdoc/>
    public bool ApplyCpuIdle(string name, bool idle) => _cgroups.SetCpuIdle(name, idle);

    /// <inheritdoc/>
    public bool? ReadCpuIdle(string name) => _cgroups.ReadCpuIdle(name);

    /// <inheritdoc/>
    public bool ApplyShared(string name, bool shared, CpuSet cpus)
    {
        _cgroups.SetShared(name, shared, cpus);
        return true;
    }

    /// <summary>Applies a new pids limit.</summary>
    public void ApplyPids(string name, long max) => _cgroups.SetPids(name, max);

    /// <summary>Applies a new memory size.</summary>
    public void ApplyMemory(string name, ByteSize memory) => _cgroups.SetMemory(name, memory);

    /// <summary>Shrinks the memory size if what is in use fits after the kernel reclaimed for at most <see cref="ShrinkBudget"/>.</summary>
    public bool TryShrinkMemory(string name, ByteSize memory) => _cgroups.TryShrinkMemory(name, memory, ShrinkBudget);

    /// <summary>Shrinks the memory size, OOM-killing programs (never the agent) until the rest fit.</summary>
    public void ForceMemory(SubOsRecord record, ByteSize memory) =>
        _cgroups.ForceMemory(record.Name, memory, new HashSet<int> { record.AgentPid }, TimeSpan.FromSeconds(10));

    /// <summary>
    /// How long a shrink waits for the kernel to reclaim: page cache goes in milliseconds (the paper offlined
    /// 512 MB in 60 ms), while anonymous and tmpfs memory never goes without swap, however long one waits.
    /// </summary>
    public static TimeSpan ShrinkBudget { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Rewrites the description the subOS sees; atomic, by rename within the bind-mounted directory.</summary>
    public void WriteDescription(SubOsRecord record, MachineRecord machine) => WriteDescription(_state.SubOsDirectory(record.Name), record, machine);

    /// <summary>Writes <c>desc/subos.json</c> in a subOS's directory by rename; the kernel backend shares it into its guest.</summary>
    internal static void WriteDescription(string subOsDirectory, SubOsRecord record, MachineRecord machine)
    {
        var desc = Path.Combine(subOsDirectory, "desc");
        Directory.CreateDirectory(desc);
        var description = new SubOsDescription(record.Name, record.Cpus.ToString(), record.Cpus.Count, record.Mems.ToString(), record.Memory.ToString(),
            record.Memory.Bytes, record.RootFs, record.Created, record.Revision, DateTimeOffset.UtcNow, machine.Prefix, record.Net.ToText(), record.Address, record.Nics);
        var temp = Path.Combine(desc, ".subos.json.tmp");
        File.WriteAllText(temp, JsonSerializer.Serialize(description, CellJsonContext.Default.SubOsDescription));
        File.Move(temp, Path.Combine(desc, "subos.json"), overwrite: true);
    }

    /// <summary>Rewrites the hosts file a subOS sees, in place so that its read-only bind mount follows.</summary>
    public void WriteHosts(string name, string contents)
    {
        var file = Path.Combine(_state.SubOsDirectory(name), "hosts");
        if (File.Exists(file))
        {
            File.WriteAllText(file, contents);
        }
    }

    /// <summary>True when the subOS's agent runs.</summary>
    public bool IsAlive(SubOsRecord record) => ProcessInfo.IsAlive(record.AgentPid, record.AgentStart);

    /// <summary>The agent's control socket.</summary>
    public string ExecEndpoint(string name) => Path.Combine(_state.SubOsDirectory(name), "agent.sock");

    /// <summary>What the subOS's cgroups hold now; null when it has none.</summary>
    public SubOsObservation? Observe(string name)
    {
        if (!_cgroups.Exists(name))
        {
            return null;
        }

        var kernel = _cgroups.Read(name);
        return new SubOsObservation(kernel.Cpus, kernel.MemoryLimit, kernel.MemoryUsage, kernel.Pids, _cgroups.ReadPidsLimit(name)) { Partition = kernel.Partition };
    }

    /// <summary>True when the subOS's cgroups or its directory exist.</summary>
    public bool HasRemains(string name) => _cgroups.Exists(name) || Directory.Exists(_state.SubOsDirectory(name));

    /// <summary>
    /// Every group under the supervisor's prefix but the supervisor's own (<c>--confine-host</c> holds host tasks
    /// there, which are not a subOS's).
    /// </summary>
    public IReadOnlyList<string> Instances() => [.. _cgroups.Children().Where(c => c != RainForestSupervisor.SupervisorGroup)];

    /// <summary>Starts a probe inside and reads each guard from the host's /proc.</summary>
    public AuditReport Audit(SubOsRecord record) => new SubOsAudit(_cgroups, _state).Run(record, ExecEndpoint(record.Name));

    private void PrepareDirectory(SubOsRecord record, MachineRecord machine, string dir, int idMapHolder, string? lxcfs)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(Path.Combine(dir, "root"));
        Directory.CreateDirectory(Path.Combine(dir, "scratch"));
        WriteDescription(record, machine);
        Directory.CreateDirectory(Path.Combine(dir, "desc", "channels"));
        Directory.CreateDirectory(Path.Combine(dir, "desc", "bin"));
        var channelDir = _state.ChannelLinkDirectory(record.Name);
        _state.EnsureChannelRoot();
        Directory.CreateDirectory(channelDir);
        File.WriteAllText(Path.Combine(dir, "hosts"), Network.LoopNetwork.HostsFile(record.Name, record.Address, []));
        var spec = new CellSpec
        {
            Name = record.Name,
            RootFs = record.RootFs,
            RunDir = dir,
            StateDir = _state.Path,
            MemoryBytes = record.Memory.Bytes,
            CgroupMode = machine.CgroupMode.ToText(),
            ChannelDir = channelDir,
            CgroupControllers = [.. _cgroups.Layout.V1Mounts.Keys.Order(StringComparer.Ordinal)],
            Privileged = record.Privileged,
            IdBase = record.IdBase,
            IdCount = record.Privileged ? 0 : IdRanges.Size,
            IdMapHolderPid = idMapHolder,
            LxcfsDir = lxcfs,
        };
        File.WriteAllBytes(Path.Combine(dir, "spec.json"), JsonSerializer.SerializeToUtf8Bytes(spec, AgentJsonContext.Default.CellSpec));
    }

    /// <summary>Every memory node of the machine, as cpuset.mems takes them (the parent groups span them all).</summary>
    internal static string AllNodes(MachineRecord machine) =>
        NodeSet.Of(machine.Topology.NumaNodes.Select(n => n.Id)) is { IsEmpty: false } nodes ? nodes.ToString() : "0";
}
