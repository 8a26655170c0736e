using RainForest.Interop;
using RainForest.Linux.Guard;
using RainForest.Linux;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Channels;
using RainForest.Supervisor.Host;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Network;

namespace RainForest.Supervisor.Reconcile;

/// <summary>
/// The supervisor's reconcile room: brings the ledger and the kernel back in line after a crash. Every rfm command
/// runs it first; <c>rfm reconcile</c> runs it alone.
/// </summary>
internal sealed class Reconciler
{
    private readonly ResourceLedger _ledger;
    private readonly Journal _journal;
    private readonly SubOsBackends _backends;
    private readonly StateDirectory _state;
    private readonly PrefixGuard _guard;
    private readonly SubOsNetworking _network;
    private readonly ChannelLifecycle _channels;
    private readonly LxcfsService? _lxcfs;

    public Reconciler(ResourceLedger ledger, Journal journal, SubOsBackends backends, StateDirectory state, PrefixGuard guard,
        SubOsNetworking network, ChannelLifecycle channels, LxcfsService? lxcfs)
    {
        _ledger = ledger;
        _journal = journal;
        _backends = backends;
        _state = state;
        _guard = guard;
        _network = network;
        _channels = channels;
        _lxcfs = lxcfs;
    }

    /// <summary>
    /// Repairs dead agents, orphaned kernel objects and directories, and kernel settings that differ from the
    /// ledger (a resize interrupted after the kernel write); journals each repair and returns one line per repair.
    /// </summary>
    /// <exception cref="Core.RfException">A path led outside the prefix (exit code 1); nothing was removed there.</exception>
    public IReadOnlyList<string> Run()
    {
        if (!_ledger.IsInitialized)
        {
            return [];
        }

        try
        {
            return RunCore();
        }
        catch (GuardViolationException e)
        {
            throw Journal.Refused(e);
        }
        catch (LinuxException e)
        {
            // What the kernel refused (a cgroup write, say) is a run-time failure, told as it is.
            throw Core.RfException.Failed(e.Message, e);
        }
    }

    /// <summary>
    /// Detaches every mount of this host's mount table inside the supervisor's subOS directories or channel root. The
    /// supervisor makes its subOSes' mounts inside their own mount namespaces (private propagation), so one seen here
    /// was left by an interrupted command or by hand, and would pin or expose what the directories hold.
    /// </summary>
    private List<(string Target, string Message)> DetachStaleMounts()
    {
        var repairs = new List<(string Target, string Message)>();
        var roots = new[] { _state.SubOsRoot, _state.ChannelRoot }.Select(PrefixGuard.Canonicalize).ToList();

        // Deepest first: a mount stacked inside another goes before the one that holds it.
        var stale = MountTable.Read(Environment.ProcessId).MountPoints
            .Where(point => roots.Any(root => point.StartsWith(root + "/", StringComparison.Ordinal)))
            .Distinct(StringComparer.Ordinal).OrderByDescending(point => point.Length).ToList();
        foreach (var point in stale)
        {
            Mounts.Detach(_guard.CheckInside(point));
            repairs.Add((point, $"mount at {point} inside this supervisor's directories (left by an interrupted command?); detached"));
        }

        return repairs;
    }

    /// <summary>Removes the temporary description files (<c>desc/.subos.json.tmp</c>) an interrupted rewrite leaves.</summary>
    private List<(string Target, string Message)> RemoveTemporaryFiles()
    {
        var repairs = new List<(string Target, string Message)>();
        if (!Directory.Exists(_state.SubOsRoot))
        {
            return repairs;
        }

        foreach (var dir in Directory.EnumerateDirectories(_state.SubOsRoot))
        {
            var desc = Path.Combine(dir, "desc");
            if (!Directory.Exists(desc))
            {
                continue;
            }

            foreach (var temp in Directory.EnumerateFiles(desc, "*.tmp"))
            {
                File.Delete(_guard.CheckInside(temp));
                repairs.Add((Path.GetFileName(dir), $"temporary file {temp} of an interrupted description rewrite; removed"));
            }
        }

        return repairs;
    }

    private List<string> RunCore()
    {
        var repairs = new List<(string Target, string Message)>();
        using var tx = _ledger.BeginWrite();
        var records = _ledger.List();
        foreach (var record in records)
        {
            var backend = _backends.For(record);
            if (record.State == SubOsState.Running && !backend.IsAlive(record))
            {
                backend.Stop(record.Name, record.MonitorPid);
                _ledger.Put(record with { State = SubOsState.Dead, AgentPid = 0, AgentStart = 0, MonitorPid = 0 });
                repairs.Add((record.Name, $"subOS '{record.Name}': its agent (pid {record.AgentPid}) died; cleaned up, resources kept (rfm start or rfm destroy)"));
            }
            else if (record.State == SubOsState.Running && backend.Observe(record.Name) is { } kernel)
            {
                // A parked donor owns no CPU: its frozen cpuset keeps naming the last one it had (it cannot be empty).
                // One that runs in another's idle time names that one's CPUs as well.
                var elastic = _ledger.ElasticStateOf(record.Name);
                var cpus = _ledger.KernelCpusOf(record, elastic);
                if (!cpus.IsEmpty && !kernel.Cpus.Equals(cpus))
                {
                    backend.ApplyCpus(record.Name, cpus, _ledger.Pool().NodesOf(cpus));
                    repairs.Add((record.Name, $"subOS '{record.Name}': cpuset held {kernel.Cpus}, ledger says {cpus}; reapplied"));
                }

                // The idle class goes with idle sharing: a share begun or ended by an rfm killed halfway leaves it wrong.
                var idle = elastic.IdleOn is not null;
                if (backend.ReadCpuIdle(record.Name) is { } kernelIdle && kernelIdle != idle && backend.ApplyCpuIdle(record.Name, idle))
                {
                    repairs.Add((record.Name, $"subOS '{record.Name}': cpu.idle was {(kernelIdle ? 1 : 0)}, the ledger says it {(idle ? "runs in another's idle time" : "shares no idle time")}; reapplied"));
                }

                if (kernel.MemoryLimit != record.Memory)
                {
                    backend.ApplyMemory(record.Name, record.Memory);
                    repairs.Add((record.Name, $"subOS '{record.Name}': memory limit was {kernel.MemoryLimit?.ToString() ?? "unlimited"}, ledger says {record.Memory}; reapplied"));
                }

                if (record.PidsMax > 0 && kernel.PidsLimit is { } kernelPids && kernelPids != record.PidsMax)
                {
                    backend.ApplyPids(record.Name, record.PidsMax);
                    repairs.Add((record.Name, $"subOS '{record.Name}': pids limit was {kernelPids}, ledger says {record.PidsMax}; reapplied"));
                }
            }
        }

        if (_lxcfs is not null)
        {
            // A dead or hung lxcfs is restarted, and running subOSes get its new files (dead agents were handled above).
            // Only agents that take descriptors: a guest sees no lxcfs files (its kernel renders its own /proc).
            var running = records.Where(r => r.State == SubOsState.Running && _backends.For(r).Transport == ExecTransport.Descriptors && _backends.For(r).IsAlive(r));
            repairs.AddRange(_lxcfs.Repair([.. running.Select(r => (r.Name, r.AgentPid, _backends.For(r).ExecEndpoint(r.Name)))]));
        }

        var known = records.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var backend in _backends.All)
        {
            foreach (var orphan in backend.Instances().Where(c => !known.Contains(c)))
            {
                backend.Stop(orphan, 0);
                repairs.Add((orphan, $"cgroup '{orphan}' under {_state.Prefix} had no ledger entry (an interrupted create?); its processes were killed and it was removed"));
            }
        }

        // Before any directory goes: a recursive delete must never walk through a mount into what it covers.
        repairs.AddRange(DetachStaleMounts());
        repairs.AddRange(RemoveTemporaryFiles());
        if (Directory.Exists(_state.SubOsRoot))
        {
            foreach (var dir in Directory.EnumerateDirectories(_state.SubOsRoot))
            {
                var name = Path.GetFileName(dir);
                if (!known.Contains(name))
                {
                    Directory.Delete(_guard.CheckInside(dir), recursive: true);
                    repairs.Add((name, $"directory {dir} had no ledger entry; removed"));
                }
            }
        }

        repairs.AddRange(_channels.Repair(known));
        repairs.AddRange(_network.RepairLoop());
        if (repairs.Count == 0)
        {
            return [];
        }

        _journal.Repaired(repairs);
        _ledger.Commit();
        return [.. repairs.Select(r => r.Message)];
    }
}
