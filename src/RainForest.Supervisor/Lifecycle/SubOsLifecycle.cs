using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux.Kernel;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Channels;
using RainForest.Supervisor.Kernels;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Network;
using RainForest.Supervisor.Security;

namespace RainForest.Supervisor.Lifecycle;

/// <summary>
/// The supervisor's lifecycle room: creates, restarts, resizes and destroys subOSes. It decides what each owns
/// from the ledger's pool and leaves the kernel work to the subOS's backend (<see cref="ISubOsBackend"/>).
/// </summary>
/// <remarks>
/// Every change records the ledger first (its keys guard the invariants), then asks the backend, and commits only
/// when both worked; see <see cref="Journal.Run{T}"/>.
/// </remarks>
internal sealed class SubOsLifecycle
{
    private readonly ResourceLedger _ledger;
    private readonly Journal _journal;
    private readonly SubOsBackends _backends;
    private readonly SubOsNetworking _network;
    private readonly ChannelLifecycle _channels;
    private readonly KernelFiles _kernel;
    private readonly PendingDestroys _pending;

    public SubOsLifecycle(ResourceLedger ledger, Journal journal, SubOsBackends backends, SubOsNetworking network, ChannelLifecycle channels, KernelFiles kernel,
        PendingDestroys pending)
    {
        _ledger = ledger;
        _journal = journal;
        _backends = backends;
        _network = network;
        _channels = channels;
        _kernel = kernel;
        _pending = pending;
    }

    /// <summary>Creates a subOS and returns it once a command can run inside.</summary>
    public SubOsRecord Create(CreateOptions options)
    {
        // Before the transaction: a bad name must not reach the ledger, nor the failure clean-up below.
        var name = SubOsName.Check(options.Name);
        SubOsNetworking.CheckNics(options.Nics, _kernel);
        if (options.Pids is { } pids)
        {
            PidsLimit.Check(pids);
        }

        var backend = _backends[options.Backend];
        options = backend.Check(options);
        return _journal.Run<SubOsRecord>("create", name, () =>
        {
            var trace = new PhaseTrace("create " + name);
            var rootFs = CheckRootFs(options.RootFs);
            var machine = _ledger.RequireMachine();
            trace.Mark("machine record");
            if (_ledger.Find(name) is not null)
            {
                throw RfException.Conflict($"subOS '{name}' already exists");
            }

            var pool = _ledger.Pool();
            var cpus = pool.AllocateNew(options.Cpus);
            pool.CheckMemory(options.Memory, ByteSize.Zero, backend.MemoryOverhead);
            _network.Check(options);
            var guest = GuestShares.Resolve(options.Guest, name, _ledger.Find, s => _backends.For(s).IsAlive(s));
            var record = new SubOsRecord
            {
                Name = name,
                State = SubOsState.Running,
                Cpus = cpus,
                Mems = pool.NodesOf(cpus),
                Memory = options.Memory,
                RootFs = rootFs,
                Created = DateTimeOffset.UtcNow,
                Net = options.Net,
                Address = _network.AddressFor(options.Net),
                Nics = options.Nics,
                Privileged = options.Privileged,
                IdBase = options.Privileged ? 0 : IdRanges.NextFree(_ledger.List().Select(s => s.IdBase).Where(b => b != 0)),
                PidsMax = options.Pids ?? PidsLimit.Default(options.Memory),
                Backend = backend.Kind,
                Guest = guest,
            };

            trace.Mark("allocation");

            // Record first (the primary keys guard the invariants), then build; commit only if both worked.
            _ledger.Put(record);
            var agent = backend.Start(record, machine, pool.Online.Except(pool.ReserveCpus));
            trace.Mark("cell started");
            record = record with { AgentPid = agent.AgentPid, AgentStart = agent.AgentStart, MonitorPid = agent.MonitorPid };
            try
            {
                _ledger.Put(record);
                _network.Connect(record);
                trace.Mark("network");
            }
            catch
            {
                backend.Stop(name, agent.MonitorPid);
                _network.ReleaseNics(record);
                throw;
            }

            return (record, null, Describe(record));
        }, onFailure: () => CleanupFailedCreate(backend, name));
    }

    /// <summary>Restarts a subOS whose agent died, with the resources it still owns.</summary>
    public SubOsRecord Start(string name)
    {
        SubOsName.Check(name);
        return _journal.Run<SubOsRecord>("start", name, () =>
        {
            var machine = _ledger.RequireMachine();
            var record = _ledger.Require(name);
            var backend = _backends.For(record);
            if (record.State == SubOsState.Running && backend.IsAlive(record))
            {
                throw RfException.Conflict($"subOS '{name}' is already running");
            }

            backend.Stop(name, record.MonitorPid);
            record = record with { Guest = GuestShares.Resolve(record.Guest, name, _ledger.Find, s => _backends.For(s).IsAlive(s)) };
            var pool = _ledger.Pool();
            var agent = backend.Start(record, machine, pool.Online.Except(pool.ReserveCpus));
            record = record with { State = SubOsState.Running, AgentPid = agent.AgentPid, AgentStart = agent.AgentStart, MonitorPid = agent.MonitorPid };
            _ledger.Put(record);
            _network.Connect(record);
            return (record, "state=dead", Describe(record));
        });
    }

    /// <summary>Changes a subOS's CPUs, memory and/or pids limit while its programs run.</summary>
    /// <remarks>
    /// Shrinking memory below what the programs use is refused as invalid input (exit code 2, journalled as
    /// rejected, nothing changed) unless <paramref name="force"/> accepts OOM kills: the user asked for a size the
    /// subOS cannot have as it stands, like CPUs another subOS owns.
    /// </remarks>
    public SubOsRecord Resize(string name, CpuRequest? cpus, ByteSize? memory, long? pids, bool force = false)
    {
        SubOsName.Check(name);
        if (pids is { } limit)
        {
            PidsLimit.Check(limit);
        }

        return _journal.Run<SubOsRecord>("resize", name, () =>
        {
            var machine = _ledger.RequireMachine();
            var record = _ledger.Require(name);
            if (cpus is null && memory is null && pids is null)
            {
                throw RfException.Invalid("resize needs --cpus, --memory and/or --pids");
            }

            var pool = _ledger.Pool();
            var newCpus = cpus is null ? record.Cpus : pool.Resize(name, cpus);
            var newMemory = memory ?? record.Memory;
            var current = record.Allocation().Memory;
            pool.CheckMemory(newMemory, current, current - record.Memory);
            var updated = record with
            {
                Cpus = newCpus, Mems = pool.NodesOf(newCpus), Memory = newMemory, PidsMax = pids ?? record.PidsMax, Revision = record.Revision + 1,
            };
            var backend = _backends.For(record);
            if (record.State == SubOsState.Running)
            {
                backend.CheckResize(record, updated);
            }

            _ledger.Put(updated);
            if (record.State == SubOsState.Running)
            {
                ApplyResize(backend, record, updated, force);
            }

            _network.SteerNics(updated);
            backend.WriteDescription(updated, machine);
            return (updated, Describe(record), Describe(updated));
        });
    }

    /// <summary>
    /// Destroys several subOSes: every name is checked (its syntax, then that it exists) before the
    /// first is touched, so an invalid-input error means nothing changed.
    /// </summary>
    public void Destroy(IReadOnlyList<string> names, Action<string, DestroyOutcome>? destroyed)
    {
        SubOsName.CheckAll(names);
        var missing = names.Where(n => _ledger.Find(n) is null).ToList();
        if (missing.Count > 0)
        {
            throw RfException.NotFound($"no subOS named {string.Join(", ", missing.Select(n => $"'{n}'"))} (rfm ls lists them); nothing was destroyed");
        }

        foreach (var name in names)
        {
            // Not destroyed?.Invoke(name, Destroy(name)): without a callback that would skip the destroy itself.
            var outcome = Destroy(name);
            destroyed?.Invoke(name, outcome);
        }
    }

    /// <summary>Ends every process of a subOS, removes what its backend made, and frees its resources.</summary>
    /// <remarks>
    /// On a full disk the kernel's objects still go, and the ledger records the destroy once space returns
    /// (<see cref="PendingDestroys"/>, <see cref="DestroyOutcome.Unrecorded"/>).
    /// </remarks>
    public DestroyOutcome Destroy(string name)
    {
        SubOsName.Check(name);
        if (_ledger.SpaceError() is { } full)
        {
            return DestroyUnrecorded(name, full);
        }

        try
        {
            _journal.Run("destroy", name, () => (0, DestroyCore(name), (string?)null));
            return DestroyOutcome.Recorded;
        }
        catch (LedgerFullException filled)
        {
            // The file system filled while the ledger was open: the transaction rolled back, the kernel's part may be done.
            return DestroyUnrecorded(name, filled);
        }
    }

    /// <summary>
    /// Records the destroys made while the disk was full (reconcile runs it first): each is done again, which finds
    /// nothing left in the kernel, and journalled with its time. Returns one line per destroy recorded.
    /// </summary>
    /// <param name="beforeEach">Called with each name before its destroy is recorded (the facade settles its loans there).</param>
    /// <exception cref="LedgerFullException">There are destroys to record and the disk is still full.</exception>
    public IReadOnlyList<string> RecordPendingDestroys(Action<string>? beforeEach = null)
    {
        var pending = _pending.All();
        if (pending.Count == 0)
        {
            return [];
        }

        if (_ledger.SpaceError() is { } full)
        {
            throw full;
        }

        var lines = new List<string>();
        foreach (var (name, at) in pending)
        {
            var when = at.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC";
            if (_ledger.Find(name) is null)
            {
                _pending.Clear(name);
                lines.Add($"subOS '{name}' destroyed at {when} while the disk was full is no longer in the ledger; its marker was removed");
                continue;
            }

            try
            {
                beforeEach?.Invoke(name);
                _journal.Run("destroy", name, () => (0, DestroyCore(name), (string?)null),
                    message: $"destroyed at {when} while the state directory's file system was full; recorded when space returned");
            }
            catch (LedgerFullException still)
            {
                throw new LedgerFullException(still.FileSystem, inner: still);
            }

            _pending.Clear(name);
            lines.Add($"subOS '{name}' was destroyed at {when} while the state directory's file system was full; the ledger records it now");
        }

        return lines;
    }

    /// <summary>The destroy itself, inside the ledger's transaction; returns the subOS's description before.</summary>
    private string DestroyCore(string name)
    {
        var record = _ledger.Require(name);
        var backend = _backends.For(record);
        backend.Stop(name, record.MonitorPid);
        _network.ReleaseNics(record);
        _channels.Leave(name);
        _ledger.Remove(name);
        _network.RefreshNames();
        backend.ReleaseShared();
        return Describe(record);
    }

    /// <summary>
    /// Destroys without the ledger: the marker first (an empty file, which needs no data block), then what the subOS
    /// holds in the kernel and on /dev/shm: its processes, cgroups, mounts and namespaces (its loop port with them),
    /// its directory and its channel links. NIC IRQ affinities, the loop segment's names and filter, and the ledger
    /// follow when the destroy is recorded.
    /// </summary>
    private DestroyOutcome DestroyUnrecorded(string name, LedgerFullException full)
    {
        var record = _ledger.Require(name);
        var backend = _backends.For(record);
        try
        {
            _pending.Mark(name);
        }
        catch (IOException e)
        {
            throw new LedgerFullException(full.FileSystem, $"{full.FileSystem} is full: cannot destroy {name}, not even an empty marker could be made there ({e.Message}); nothing was changed", e);
        }

        try
        {
            backend.Stop(name, record.MonitorPid);
            _channels.DetachFiles(name);
        }
        catch (Linux.Guard.GuardViolationException e)
        {
            throw Journal.Refused(e);
        }

        return DestroyOutcome.Unrecorded;
    }

    /// <summary>Where the agent of a running subOS serves <c>rfm exec</c>.</summary>
    /// <exception cref="RfException">The name is invalid or unknown (exit code 2), or the subOS is not running (exit code 1).</exception>
    public AgentEndpoint ExecEndpoint(string name)
    {
        var backend = Running(name).Backend;
        return new AgentEndpoint(backend.ExecEndpoint(name), backend.Transport);
    }

    /// <summary>Checks every guard of a running subOS from the host's side (<c>rfm audit</c>).</summary>
    public AuditReport Audit(string name)
    {
        var (record, backend) = Running(name);
        return backend.Audit(record);
    }

    private (SubOsRecord Record, ISubOsBackend Backend) Running(string name)
    {
        SubOsName.Check(name);
        if (_pending.Contains(name))
        {
            throw PendingDestroys.Gone(name);
        }

        var record = _ledger.Require(name);
        var backend = _backends.For(record);
        if (record.State != SubOsState.Running || !backend.IsAlive(record))
        {
            throw RfException.Failed($"subOS '{name}' is not running (its agent died; 'rfm start {name}' restarts it)");
        }

        return (record, backend);
    }

    private static void ApplyResize(ISubOsBackend backend, SubOsRecord before, SubOsRecord after, bool force)
    {
        // Memory before CPUs: shrinking memory is what may be refused (it would take OOM kills), and a refusal
        // then leaves nothing to undo.
        if (after.Memory < before.Memory)
        {
            ShrinkMemory(backend, before, after.Memory, force);
        }
        else if (after.Memory != before.Memory)
        {
            backend.ApplyMemory(after.Name, after.Memory);
        }

        if (!after.Cpus.Equals(before.Cpus))
        {
            try
            {
                backend.ApplyCpus(after.Name, after.Cpus, after.Mems);
            }
            catch
            {
                backend.ApplyMemory(after.Name, before.Memory);
                throw;
            }
        }

        // The pids limit last: lowering it below what runs is allowed (the kernel refuses only new forks).
        if (after.PidsMax != before.PidsMax)
        {
            backend.ApplyPids(after.Name, after.PidsMax);
        }
    }

    private static void ShrinkMemory(ISubOsBackend backend, SubOsRecord before, ByteSize memory, bool force)
    {
        if (force)
        {
            backend.ForceMemory(before, memory);
        }
        else if (!backend.TryShrinkMemory(before.Name, memory))
        {
            var used = backend.Observe(before.Name)?.MemoryUsage.Bytes ?? 0;
            throw RfException.Invalid(
                $"{before.Name} uses {ByteSize.FromMiB((used + ByteSize.MiB - 1) / ByteSize.MiB)}; cannot shrink to {memory} without OOM kills (use --force)");
        }
    }

    private void CleanupFailedCreate(ISubOsBackend backend, string name)
    {
        // The create's transaction rolled back; a partly built subOS may remain if Start's own cleanup failed.
        try
        {
            if (_ledger.Find(name) is null && backend.HasRemains(name))
            {
                backend.Stop(name, 0);
            }
        }
        catch (Exception e) when (e is RfException or IOException)
        {
            // Reconcile on the next command removes what is left.
        }
    }

    private static string CheckRootFs(string? rootFs)
    {
        if (rootFs is null)
        {
            return "/";
        }

        var full = Path.GetFullPath(rootFs);
        if (!Directory.Exists(full))
        {
            throw RfException.Invalid($"--rootfs {rootFs}: no such directory");
        }

        if (!File.Exists(Path.Combine(full, "bin/sh")) && !File.Exists(Path.Combine(full, "usr/bin/sh")))
        {
            throw RfException.Invalid($"--rootfs {rootFs}: has no bin/sh; give the root of a Linux file system (debootstrap makes one)");
        }

        return full;
    }

    /// <summary>A subOS's resources as the journal's before and after show them.</summary>
    private static string Describe(SubOsRecord r) =>
        $"cpus={r.Cpus} mems={r.Mems} memory={r.Memory} pids={r.PidsMax}{(r.Privileged ? " PRIVILEGED" : $" uid={r.IdBase}")}{(r.Address is null ? string.Empty : " net=" + r.Address)}{(r.Nics.Count == 0 ? string.Empty : " nics=" + string.Join(',', r.Nics))}{(r.Guest is { Shares.Count: > 0 } g ? " shares=" + string.Join(',', g.Shares.Select(x => $"{x.Source}:{x.Directory}:{x.MountPoint}{(x.ReadOnly ? ":ro" : string.Empty)}")) : string.Empty)}";
}
