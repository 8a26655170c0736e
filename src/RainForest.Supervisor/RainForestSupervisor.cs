using System.Diagnostics;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Guard;
using RainForest.Linux.Topology;
using RainForest.Channels;
using RainForest.Supervisor.Cells;
using RainForest.Supervisor.Channels;
using RainForest.Supervisor.Host;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Network;

namespace RainForest.Supervisor;

/// <summary>
/// The supervisor: the only writer of the ledger; creates, resizes and destroys subOSes and records
/// every adjustment. One instance serves one rfm command; instances in other processes are
/// serialised by the ledger's write transaction.
/// </summary>
public sealed class RainForestSupervisor : IDisposable
{
    /// <summary>The name of the supervisor's own cgroup under the prefix (used by --confine-host).</summary>
    public const string SupervisorGroup = "supervisor";

    private readonly ResourceLedger _ledger;
    private readonly CellBackend _cells;
    private readonly PrefixGuard _guard;
    private readonly LxcfsService? _lxcfs;

    private RainForestSupervisor(StateDirectory state, ResourceLedger ledger, CgroupDriver cgroups, string hostRoot)
    {
        State = state;
        _ledger = ledger;
        Cgroups = cgroups;
        HostRoot = hostRoot;

        // Everything this supervisor may delete, kill in or write: its prefix groups, its subOS
        // directories (not the ledger beside them), its channel root and its lxcfs directory.
        _guard = new PrefixGuard([.. cgroups.ParentDirectories(), state.SubOsRoot, state.ChannelRoot, LxcfsService.RootOf(state.Prefix)], state.Prefix);

        // lxcfs renders this machine's /proc for its subOSes: none for fixture trees, which stand for another machine.
        _lxcfs = hostRoot == "/" ? new LxcfsService(state.Prefix, _guard, LxcfsService.Locate(), cgroups.Layout.Mode == CgroupMode.V2) : null;
        _cells = new CellBackend(state, cgroups, _guard, _lxcfs);
        Loop = new LoopNetwork(_guard);
    }

    /// <summary>The supervisor's RFloop segment.</summary>
    public LoopNetwork Loop { get; }

    /// <summary>The state directory.</summary>
    public StateDirectory State { get; }

    /// <summary>The ledger.</summary>
    public ResourceLedger Ledger => _ledger;

    /// <summary>The cgroup driver.</summary>
    public CgroupDriver Cgroups { get; }

    /// <summary>Root of the /proc and /sys trees read for topology and host confinement ("/" on a real host).</summary>
    public string HostRoot { get; }

    /// <summary>Opens the supervisor over a state directory, creating it if needed.</summary>
    /// <param name="state">The state directory.</param>
    /// <param name="hostRoot">Root of /proc and /sys (fixture trees in tests).</param>
    /// <param name="cgroupLayout">The cgroup layout; null to detect the running kernel's.</param>
    public static RainForestSupervisor Open(StateDirectory state, string hostRoot = "/", CgroupLayout? cgroupLayout = null)
    {
        if (Environment.UserName != "root" && hostRoot == "/")
        {
            throw RfException.Invalid("rfm must run as root: it creates cgroups, namespaces and mounts");
        }

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
            layout = cgroupLayout ?? CgroupLayout.Detect("/");
        }
        catch (InvalidOperationException e)
        {
            throw RfException.Failed(e.Message);
        }

        var ledger = ResourceLedger.Open(state.LedgerPath);
        return new RainForestSupervisor(state, ledger, CgroupDriver.For(layout, state.Prefix), hostRoot);
    }

    /// <summary>Records the machine and the supervisor partition; may run again while no subOS conflicts.</summary>
    public MachineRecord Init(InitOptions options)
    {
        return Journaled<MachineRecord>("init", "machine", () =>
        {
            var topology = TopologyReader.Read(HostRoot);
            var reserveCpus = options.ReserveCpus ?? topology.FirstCorePerNode();
            var missing = reserveCpus.Except(topology.OnlineCpus);
            if (!missing.IsEmpty)
            {
                throw RfException.Invalid($"--reserve-cpus: CPU {missing} does not exist or is offline (online: {topology.OnlineCpus})");
            }

            if (reserveCpus.Count >= topology.OnlineCpus.Count)
            {
                throw RfException.Invalid($"--reserve-cpus {reserveCpus}: that leaves no CPU for subOSes");
            }

            var reserveMemory = options.ReserveMemory ?? DefaultReserve(topology.MemTotalBytes);
            if (reserveMemory.Bytes >= topology.MemTotalBytes)
            {
                throw RfException.Invalid($"--reserve-memory {reserveMemory}: the machine has only {new ByteSize(topology.MemTotalBytes)}");
            }

            var previous = _ledger.Machine;
            if (previous is not null && previous.Topology.MachineKey != topology.MachineKey && _ledger.List().Count > 0)
            {
                throw RfException.Invalid("the ledger was initialised on different hardware and still holds subOSes; destroy them first");
            }

            var machine = new MachineRecord
            {
                Topology = topology,
                ReserveCpus = reserveCpus,
                ReserveMemory = reserveMemory,
                Prefix = State.Prefix,
                CgroupMode = Cgroups.Layout.ModeName,
                Initialized = DateTimeOffset.UtcNow,
                HostConfined = previous?.HostConfined ?? false,
            };

            // The new partition must still hold every subOS: ask the pool built on it.
            var owners = _ledger.List().ToDictionary(s => s.Name, s => new SubOsAllocation(s.Cpus, s.Memory));
            var pool = new ResourcePool(topology, reserveCpus, reserveMemory, owners);
            foreach (var (name, allocation) in owners)
            {
                if (allocation.Cpus.Overlaps(reserveCpus) || !allocation.Cpus.IsSubsetOf(topology.OnlineCpus))
                {
                    throw RfException.Invalid($"subOS '{name}' owns CPU {allocation.Cpus.Intersect(reserveCpus)}, which the new reserve would take");
                }
            }

            if (pool.FreeMemory.Bytes < 0)
            {
                throw RfException.Invalid($"--reserve-memory {reserveMemory}: subOSes already own {pool.OwnedMemory}");
            }

            _ledger.SetMachine(machine);
            if (options.ConfineHost)
            {
                var confinement = new HostConfinement(HostRoot, Cgroups, _ledger);
                confinement.Confine(reserveCpus, topology.OnlineCpus);
                machine = machine with { HostConfined = true };
                _ledger.SetMachine(machine);
            }

            _lxcfs?.StartAtInit();
            return (machine, previous is null ? null : Describe(previous), Describe(machine));
        });
    }

    /// <summary>Undoes init: restores a confined host and removes the prefix cgroups. With <paramref name="force"/>, destroys every subOS first.</summary>
    public void Deinit(bool force)
    {
        var subs = _ledger.List();
        if (subs.Count > 0 && !force)
        {
            throw RfException.Invalid($"{subs.Count} subOS(es) still exist ({string.Join(", ", subs.Select(s => s.Name))}); destroy them or use --force");
        }

        foreach (var s in subs)
        {
            Destroy(s.Name);
        }

        foreach (var channel in _ledger.Channels())
        {
            DestroyChannel(channel.Name);
        }

        Journaled("deinit", "machine", () =>
        {
            var machine = _ledger.Machine;
            new HostConfinement(HostRoot, Cgroups, _ledger).Release();

            // The supervisor's group holds host tasks the supervisor did not start: never kill them.
            if (!Cgroups.RemoveIfEmpty(SupervisorGroup))
            {
                throw RfException.Failed($"the supervisor's cgroup still holds tasks after they were moved out; run 'rfm deinit' again");
            }

            foreach (var orphan in Cgroups.Children())
            {
                _cells.Stop(orphan, 0);
            }

            Cgroups.RemoveParentIfEmpty();
            Loop.Teardown();
            _lxcfs?.Stop();
            var channelRoot = _guard.CheckRoot(State.ChannelRoot);
            if (Directory.Exists(channelRoot))
            {
                Directory.Delete(channelRoot, recursive: true);
            }

            _ledger.SetMachine(null);
            return (0, machine is null ? null : Describe(machine), (string?)null);
        });
    }

    /// <summary>Creates a subOS and returns it once a command can run inside.</summary>
    public SubOsRecord Create(CreateOptions options)
    {
        // Before the transaction: a bad name must not reach the ledger, nor the failure clean-up below.
        var name = SubOsName.Check(options.Name);
        CheckNics(options.Nics, HostRoot);
        if (options.Pids is { } pids)
        {
            PidsLimit.Check(pids);
        }

        return Journaled<SubOsRecord>("create", name, () =>
        {
            var trace = new PhaseTrace("create " + name);
            var rootFs = CheckRootFs(options.RootFs);
            var machine = RequireMachine();
            trace.Mark("machine record");
            if (_ledger.Find(name) is not null)
            {
                throw RfException.Invalid($"subOS '{name}' already exists");
            }

            var pool = _ledger.Pool();
            var cpus = pool.AllocateNew(options.Cpus);
            pool.CheckMemory(options.Memory, ByteSize.Zero);
            CheckNetwork(options);
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
                Address = options.Net == "loop" ? LoopNetwork.NextAddress(_ledger.List().Select(s => s.Address).OfType<string>()) : null,
                Nics = options.Nics,
                Privileged = options.Privileged,
                IdBase = options.Privileged ? 0 : IdRanges.NextFree(_ledger.List().Select(s => s.IdBase).Where(b => b != 0)),
                PidsMax = options.Pids ?? PidsLimit.Default(options.Memory),
            };

            trace.Mark("allocation");

            // Record first (the primary keys guard the invariants), then build; commit only if both worked.
            _ledger.Put(record);
            var agent = _cells.Start(record, machine, pool.Online.Except(pool.ReserveCpus));
            trace.Mark("cell started");
            record = record with { AgentPid = agent.AgentPid, AgentStart = agent.AgentStart, MonitorPid = agent.MonitorPid };
            try
            {
                _ledger.Put(record);
                ConnectNetwork(record);
                trace.Mark("network");
            }
            catch
            {
                _cells.Stop(name, agent.MonitorPid);
                ReleaseNics(record);
                throw;
            }

            return (record, null, Describe(record));
        }, onFailure: () => CleanupFailedCreate(name));
    }

    /// <summary>Restarts a subOS whose agent died, with the resources it still owns.</summary>
    public SubOsRecord Start(string name)
    {
        SubOsName.Check(name);
        return Journaled<SubOsRecord>("start", name, () =>
        {
            var machine = RequireMachine();
            var record = _ledger.Find(name) ?? throw UnknownSubOs(name);
            if (record.State == SubOsState.Running && CellBackend.IsAlive(record))
            {
                throw RfException.Invalid($"subOS '{name}' is already running");
            }

            _cells.Stop(name, record.MonitorPid);
            var pool = _ledger.Pool();
            var agent = _cells.Start(record, machine, pool.Online.Except(pool.ReserveCpus));
            record = record with { State = SubOsState.Running, AgentPid = agent.AgentPid, AgentStart = agent.AgentStart, MonitorPid = agent.MonitorPid };
            _ledger.Put(record);
            ConnectNetwork(record);
            return (record, "state=dead", Describe(record));
        });
    }

    /// <summary>Changes a subOS's CPUs and/or memory while its programs run.</summary>
    public SubOsRecord Resize(string name, CpuRequest? cpus, ByteSize? memory, long? pids = null)
    {
        SubOsName.Check(name);
        if (pids is { } limit)
        {
            PidsLimit.Check(limit);
        }

        return Journaled<SubOsRecord>("resize", name, () =>
        {
            var machine = RequireMachine();
            var record = _ledger.Find(name) ?? throw UnknownSubOs(name);
            if (cpus is null && memory is null && pids is null)
            {
                throw RfException.Invalid("resize needs --cpus, --memory and/or --pids");
            }

            var pool = _ledger.Pool();
            var newCpus = cpus is null ? record.Cpus : pool.Resize(name, cpus);
            var newMemory = memory ?? record.Memory;
            pool.CheckMemory(newMemory, record.Memory);
            var updated = record with
            {
                Cpus = newCpus, Mems = pool.NodesOf(newCpus), Memory = newMemory, PidsMax = pids ?? record.PidsMax, Revision = record.Revision + 1,
            };
            _ledger.Put(updated);

            if (record.State == SubOsState.Running)
            {
                ApplyResize(record, updated);
            }

            foreach (var nic in updated.Nics)
            {
                new NicSteering(HostRoot, _ledger).Steer(nic, updated.Cpus);
            }

            _cells.WriteDescription(updated, machine);
            return (updated, Describe(record), Describe(updated));
        });
    }

    private void CheckNetwork(CreateOptions options)
    {
        if (options.Net is not ("none" or "loop"))
        {
            throw RfException.Invalid($"--net {options.Net}: expected none or loop");
        }

        foreach (var nic in options.Nics)
        {
            if (NicProblem(InterfaceName.Check(nic), HostRoot) is { } problem)
            {
                throw RfException.Invalid($"--nic {nic}: {problem}");
            }

            if (_ledger.DeviceOwner("net:" + nic) is { } owner)
            {
                throw RfException.Invalid($"--nic {nic}: already owned by subOS '{owner}'");
            }
        }

        if (options.Nics.Distinct(StringComparer.Ordinal).Count() != options.Nics.Count)
        {
            throw RfException.Invalid("--nic: an interface is named twice");
        }
    }

    /// <summary>
    /// Checks <c>--nic</c> names (syntax, and that the host has them) without the ledger: the CLI calls
    /// it before it opens anything. Ownership is checked in the create's transaction.
    /// </summary>
    /// <exception cref="RfException">A name is invalid or names no interface (exit code 2).</exception>
    public static void CheckNics(IEnumerable<string> nics, string hostRoot = "/")
    {
        foreach (var nic in nics)
        {
            if (NicProblem(InterfaceName.Check(nic), hostRoot) is { } problem)
            {
                throw RfException.Invalid($"--nic {nic}: {problem}");
            }
        }
    }

    /// <summary>Why an interface cannot be handed to a subOS, or null when it can.</summary>
    /// <remarks>
    /// The loopback device exists in every network namespace and cannot move: it used to be reported as
    /// missing, which sent users looking for an interface that plainly exists.
    /// </remarks>
    private static string? NicProblem(string nic, string hostRoot)
    {
        if (nic == "lo")
        {
            return "the loopback interface belongs to every network namespace and cannot be moved into a subOS (each subOS has its own lo)";
        }

        return Directory.Exists(Path.Combine(hostRoot, "sys/class/net", nic)) ? null : "no such network interface on the host (ip link lists them)";
    }

    /// <summary>Joins a freshly started subOS to the loop and hands it its NICs; then every member learns the names.</summary>
    private void ConnectNetwork(SubOsRecord record)
    {
        if (record.Address is { } address)
        {
            Loop.Attach(record.Name, record.AgentPid, address);
        }

        foreach (var nic in record.Nics)
        {
            LoopNetwork.MoveNic(nic, record.AgentPid);
            new NicSteering(HostRoot, _ledger).Steer(nic, record.Cpus);
        }

        RefreshNames();
    }

    private void ReleaseNics(SubOsRecord record)
    {
        // A physical NIC returns to the host's namespace by itself when the subOS's namespace dies.
        foreach (var nic in record.Nics)
        {
            new NicSteering(HostRoot, _ledger).Restore(nic);
        }
    }

    /// <summary>Rewrites every member's hosts file so that NAME and NAME.rf resolve on the loop; drops the segment when empty.</summary>
    private void RefreshNames()
    {
        var all = _ledger.List();
        var members = all.Where(s => s.Address is not null).Select(s => (s.Name, s.Address!)).ToList();
        Loop.RefreshFilter(members);
        foreach (var s in all)
        {
            _cells.WriteHosts(s.Name, LoopNetwork.HostsFile(s.Name, s.Address, s.Address is null ? [] : members));
        }

        if (members.Count == 0)
        {
            Loop.Teardown();
        }
    }

    private void ApplyResize(SubOsRecord before, SubOsRecord after)
    {
        // Memory before CPUs: shrinking memory is what the kernel may refuse (EBUSY when it cannot
        // reclaim), and a refusal then leaves nothing to undo.
        if (after.Memory != before.Memory)
        {
            _cells.ApplyMemory(after.Name, after.Memory);
        }

        if (!after.Cpus.Equals(before.Cpus))
        {
            try
            {
                _cells.ApplyCpus(after.Name, after.Cpus, after.Mems);
            }
            catch
            {
                _cells.ApplyMemory(after.Name, before.Memory);
                throw;
            }
        }

        // The pids limit last: lowering it below what runs is allowed (the kernel refuses only new forks).
        if (after.PidsMax != before.PidsMax)
        {
            _cells.ApplyPids(after.Name, after.PidsMax);
        }
    }

    /// <summary>
    /// Destroys several subOSes: every name is checked (its syntax, then that it exists) before the
    /// first is touched, so an invalid-input error means nothing changed.
    /// </summary>
    /// <param name="names">The subOSes, destroyed in this order.</param>
    /// <param name="destroyed">Called after each one is gone (a later one may still fail at run time).</param>
    public void Destroy(IReadOnlyList<string> names, Action<string>? destroyed = null)
    {
        CheckNames(names, "");
        var missing = names.Where(n => _ledger.Find(n) is null).ToList();
        if (missing.Count > 0)
        {
            throw RfException.Invalid($"no subOS named {string.Join(", ", missing.Select(n => $"'{n}'"))} (rfm ls lists them); nothing was destroyed");
        }

        foreach (var name in names)
        {
            Destroy(name);
            destroyed?.Invoke(name);
        }
    }

    /// <summary>Ends every process of a subOS, removes its cgroups, mounts and namespaces, and frees its resources.</summary>
    public void Destroy(string name)
    {
        SubOsName.Check(name);
        Journaled("destroy", name, () =>
        {
            var record = _ledger.Find(name) ?? throw UnknownSubOs(name);
            _cells.Stop(name, record.MonitorPid);
            ReleaseNics(record);
            LeaveChannels(name);
            _ledger.Remove(name);
            RefreshNames();
            Cgroups.RemoveParentIfEmpty();
            return (0, Describe(record), (string?)null);
        });
    }

    /// <summary>
    /// Creates a FICM channel: its shared memory on /dev/shm under the prefix, reachable only inside the
    /// member subOSes at /run/rainforest/channels/NAME (a hard link in each member's bound directory).
    /// </summary>
    public ChannelRecord CreateChannel(ChannelOptions options)
    {
        SubOsName.Check(options.Name);
        CheckNames(options.Members, "--members: ");
        return Journaled<ChannelRecord>("channel-create", options.Name, () =>
        {
            RequireMachine();
            if (_ledger.Channels().Any(c => c.Name == options.Name))
            {
                throw RfException.Invalid($"channel '{options.Name}' already exists");
            }

            if (!Enum.TryParse<FicmChannelMode>(options.Mode, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
            {
                throw RfException.Invalid($"--mode {options.Mode}: expected unicast, multicast or broadcast");
            }

            if (options.Members.Count == 0 || options.Members.Distinct(StringComparer.Ordinal).Count() != options.Members.Count)
            {
                throw RfException.Invalid("--members: name each member subOS once (A,B,...)");
            }

            foreach (var member in options.Members)
            {
                var record = _ledger.Find(member) ?? throw RfException.Invalid($"--members: no subOS named '{member}'");
                if (record.State != SubOsState.Running)
                {
                    throw RfException.Invalid($"--members: subOS '{member}' is not running");
                }
            }

            // Unicast has one ring that every member may write and read; the other modes give each member a ring.
            var unicast = mode == FicmChannelMode.Unicast;
            var channelOptions = new FicmChannelOptions
            {
                Mode = mode,
                ReceiverCount = unicast ? 1 : options.Members.Count,
                SlotsPerRing = options.Slots,
                MaxMessageSize = options.MaxMessage,

                // Members' roots are different unprivileged host ids; the directory above, which only the
                // host's root may enter, is what keeps everyone else out (see StateDirectory.EnsureChannelRoot).
                FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite
                    | UnixFileMode.OtherRead | UnixFileMode.OtherWrite,
            };
            try
            {
                channelOptions.Validate();
            }
            catch (ArgumentException e)
            {
                // ArgumentException appends "(Parameter 'SlotsPerRing')": a .NET name the user never typed.
                var reason = e.ParamName is { } parameter ? e.Message.Replace($" (Parameter '{parameter}')", string.Empty, StringComparison.Ordinal) : e.Message;
                throw RfException.Invalid($"channel '{options.Name}': {reason}");
            }

            var channel = new ChannelRecord(options.Name, mode.ToString().ToLowerInvariant(), options.Slots, options.MaxMessage,
                [.. options.Members.Select((m, i) => new ChannelMember(m, unicast ? 0 : i, true))], DateTimeOffset.UtcNow);
            _ledger.PutChannel(channel);
            var path = _guard.CheckInside(State.ChannelObject(options.Name));
            State.EnsureChannelRoot();
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            FicmChannel.Delete(path);
            try
            {
                using (FicmChannel.Create(path, channelOptions))
                {
                }

                foreach (var member in options.Members)
                {
                    var dir = _guard.CheckInside(State.ChannelLinkDirectory(member));
                    Directory.CreateDirectory(dir);
                    var link = _guard.CheckInside(Path.Combine(dir, options.Name));
                    File.Delete(link);

                    // A hard link, not a copy: every member maps the same pages of the tmpfs.
                    Linux.Mounts.HardLink(path, link);
                }
            }
            catch
            {
                RemoveChannelFiles(channel);
                throw;
            }

            return (channel, null, $"mode={channel.Mode} members={string.Join(',', options.Members)} slots={channel.Slots} max={channel.MaxMessage}");
        });
    }

    /// <summary>Destroys several channels: every name is checked (syntax, then existence) before the first is touched.</summary>
    /// <param name="names">The channels, destroyed in this order.</param>
    /// <param name="destroyed">Called after each one is gone.</param>
    public void DestroyChannels(IReadOnlyList<string> names, Action<string>? destroyed = null)
    {
        CheckNames(names, "");
        var channels = _ledger.Channels();
        var missing = names.Where(n => !channels.Any(c => c.Name == n)).ToList();
        if (missing.Count > 0)
        {
            throw RfException.Invalid($"no channel named {string.Join(", ", missing.Select(n => $"'{n}'"))} (rfm channel ls lists them); nothing was destroyed");
        }

        foreach (var name in names)
        {
            DestroyChannel(name);
            destroyed?.Invoke(name);
        }
    }

    /// <summary>Destroys a channel: unlinks it from every member and frees its memory once the last mapping goes.</summary>
    public void DestroyChannel(string name)
    {
        SubOsName.Check(name);
        Journaled("channel-destroy", name, () =>
        {
            var channel = _ledger.Channels().FirstOrDefault(c => c.Name == name)
                ?? throw RfException.Invalid(SubOsName.Validate(name) ?? $"no channel named '{name}' (rfm channel ls lists them)");
            _ledger.RemoveChannel(name);
            RemoveChannelFiles(channel);
            return (0, $"members={string.Join(',', channel.Members.Select(m => m.SubOs))}", (string?)null);
        });
    }

    /// <summary>Every channel.</summary>
    public IReadOnlyList<ChannelRecord> Channels() => _ledger.Channels();

    private void RemoveChannelFiles(ChannelRecord channel)
    {
        foreach (var member in channel.Members)
        {
            var link = _guard.CheckInside(Path.Combine(State.ChannelLinkDirectory(PrefixGuard.CheckComponent(member.SubOs)), PrefixGuard.CheckComponent(channel.Name)));
            if (File.Exists(link))
            {
                File.Delete(link);
            }
        }

        var memory = _guard.CheckInside(State.ChannelObject(PrefixGuard.CheckComponent(channel.Name)));
        if (File.Exists(memory))
        {
            File.Delete(memory);
        }

        TidyChannelRoot();
    }

    /// <summary>
    /// Removes the prefix's directory on /dev/shm once it holds no channel object and no member directory
    /// (a running subOS's member directory is bind-mounted into it and must stay).
    /// </summary>
    private void TidyChannelRoot()
    {
        var root = _guard.CheckRoot(State.ChannelRoot);
        var members = Path.Combine(root, "members");
        if (Directory.Exists(root)
            && !Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Any()
            && (!Directory.Exists(members) || !Directory.EnumerateDirectories(members).Any()))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>A destroyed subOS leaves its channels: its ring is detached (writers skip it) and its links go.</summary>
    private void LeaveChannels(string subOs)
    {
        // A unicast ring is shared by every member: it stays attached while any member lives.
        foreach (var channel in _ledger.Channels().Where(c => c.Mode != "unicast" && c.Members.Any(m => m.SubOs == subOs && m.Attached)))
        {
            try
            {
                using var open = FicmChannel.Open(State.ChannelObject(channel.Name));
                open.DetachReceiver(channel.Members.First(m => m.SubOs == subOs).Receiver);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                // The object is gone or damaged; the ledger still records the detachment.
            }
        }

        _ledger.DetachFromChannels(subOs);
        var dir = _guard.CheckInside(State.ChannelLinkDirectory(PrefixGuard.CheckComponent(subOs)));
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        TidyChannelRoot();
    }

    /// <summary>Every subOS with its live state.</summary>
    public IReadOnlyList<SubOsStatus> List() => [.. _ledger.List().Select(Status)];

    /// <summary>One subOS with its live state.</summary>
    public SubOsStatus Show(string name) => Status(_ledger.Find(SubOsName.Check(name)) ?? throw UnknownSubOs(name));

    /// <summary>Checks every guard of a running subOS from the host's side (<c>rfm audit</c>).</summary>
    public Security.AuditReport Audit(string name)
    {
        var socket = AgentSocket(name);
        return new Security.SubOsAudit(Cgroups, State).Run(_ledger.Find(name)!, socket);
    }

    /// <summary>The control socket of a running subOS.</summary>
    public string AgentSocket(string name)
    {
        SubOsName.Check(name);
        var record = _ledger.Find(name) ?? throw UnknownSubOs(name);
        if (record.State != SubOsState.Running || !CellBackend.IsAlive(record))
        {
            throw RfException.Failed($"subOS '{name}' is not running (its agent died; 'rfm start {name}' restarts it)");
        }

        return _cells.SocketPath(name);
    }

    /// <summary>
    /// Brings the ledger and the kernel back in line after a crash: dead agents, orphaned cgroups and
    /// directories, and cgroup settings that differ from the ledger (a resize interrupted after the
    /// kernel write). Returns one line per repair.
    /// </summary>
    public IReadOnlyList<string> Reconcile()
    {
        if (!_ledger.IsInitialized)
        {
            return [];
        }

        try
        {
            return ReconcileCore();
        }
        catch (GuardViolationException e)
        {
            throw Refused(e);
        }
    }

    private List<string> ReconcileCore()
    {
        var repairs = new List<(string Target, string Message)>();
        using var tx = _ledger.BeginWrite();
        var records = _ledger.List();
        foreach (var record in records)
        {
            if (record.State == SubOsState.Running && !CellBackend.IsAlive(record))
            {
                _cells.Stop(record.Name, record.MonitorPid);
                _ledger.Put(record with { State = SubOsState.Dead, AgentPid = 0, AgentStart = 0, MonitorPid = 0 });
                repairs.Add((record.Name, $"subOS '{record.Name}': its agent (pid {record.AgentPid}) died; cleaned up, resources kept (rfm start or rfm destroy)"));
            }
            else if (record.State == SubOsState.Running && Cgroups.Exists(record.Name))
            {
                var kernel = Cgroups.Read(record.Name);
                if (!kernel.Cpus.Equals(record.Cpus))
                {
                    _cells.ApplyCpus(record.Name, record.Cpus, record.Mems);
                    repairs.Add((record.Name, $"subOS '{record.Name}': cpuset held {kernel.Cpus}, ledger says {record.Cpus}; reapplied"));
                }

                if (kernel.MemoryLimit != record.Memory)
                {
                    _cells.ApplyMemory(record.Name, record.Memory);
                    repairs.Add((record.Name, $"subOS '{record.Name}': memory limit was {kernel.MemoryLimit?.ToString() ?? "unlimited"}, ledger says {record.Memory}; reapplied"));
                }

                if (record.PidsMax > 0 && Cgroups.ReadPidsLimit(record.Name) is { } kernelPids && kernelPids != record.PidsMax)
                {
                    _cells.ApplyPids(record.Name, record.PidsMax);
                    repairs.Add((record.Name, $"subOS '{record.Name}': pids limit was {kernelPids}, ledger says {record.PidsMax}; reapplied"));
                }
            }
        }

        if (_lxcfs is not null)
        {
            var running = records.Where(r => r.State == SubOsState.Running && CellBackend.IsAlive(r));
            repairs.AddRange(_lxcfs.Repair([.. running.Select(r => (r.Name, r.AgentPid, _cells.SocketPath(r.Name)))]));
        }

        var known = records.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var orphan in Cgroups.Children().Where(c => !known.Contains(c) && c != SupervisorGroup))
        {
            _cells.Stop(orphan, 0);
            repairs.Add((orphan, $"cgroup '{orphan}' under {State.Prefix} had no ledger entry (an interrupted create?); its processes were killed and it was removed"));
        }

        if (Directory.Exists(State.SubOsRoot))
        {
            foreach (var dir in Directory.EnumerateDirectories(State.SubOsRoot))
            {
                var name = Path.GetFileName(dir);
                if (!known.Contains(name))
                {
                    Directory.Delete(_guard.CheckInside(dir), recursive: true);
                    repairs.Add((name, $"directory {dir} had no ledger entry; removed"));
                }
            }
        }

        if (repairs.Count == 0)
        {
            return [];
        }

        foreach (var (target, message) in repairs)
        {
            _ledger.Append("repair", target, null, null, TimeSpan.Zero, "repaired", message);
        }

        _ledger.Commit();
        return [.. repairs.Select(r => r.Message)];
    }

    private SubOsStatus Status(SubOsRecord record)
    {
        var alive = record.State == SubOsState.Running && CellBackend.IsAlive(record);
        if (!alive || !Cgroups.Exists(record.Name))
        {
            return new SubOsStatus(record, alive, 0, 0, string.Empty);
        }

        var kernel = Cgroups.Read(record.Name);
        return new SubOsStatus(record, alive, kernel.MemoryUsage.Bytes, kernel.Pids.Count, kernel.Cpus.ToString());
    }

    private MachineRecord RequireMachine() =>
        _ledger.Machine ?? throw RfException.Invalid("the supervisor is not initialised: run 'rfm init' first");

    /// <summary>Checks every name of a list before any is acted on; invalid input names the first bad one.</summary>
    private static void CheckNames(IReadOnlyList<string> names, string context)
    {
        foreach (var name in names)
        {
            if (SubOsName.Validate(name) is { } error)
            {
                throw RfException.Invalid(context + error);
            }
        }
    }

    /// <summary>A guard refusal is a run-time failure (exit code 1): the input looked valid, yet a path led outside the prefix.</summary>
    private static RfException Refused(GuardViolationException e) => RfException.Failed(e.Message, e);

    private static RfException UnknownSubOs(string name) =>
        RfException.Invalid(SubOsName.Validate(name) ?? $"no subOS named '{name}' (rfm ls lists them)");

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

    private void CleanupFailedCreate(string name)
    {
        // The create's transaction rolled back; a partly built cell may remain if Start's own cleanup failed.
        try
        {
            if (_ledger.Find(name) is null && (Cgroups.Exists(name) || Directory.Exists(State.SubOsDirectory(name))))
            {
                _cells.Stop(name, 0);
            }
        }
        catch (Exception e) when (e is RfException or IOException)
        {
            // Reconcile on the next command removes what is left.
        }
    }

    private static ByteSize DefaultReserve(long total)
    {
        var fivePercent = total / 20;
        return new ByteSize(Math.Clamp(fivePercent, 256 * ByteSize.MiB, 4 * ByteSize.GiB) & ~(ByteSize.MiB - 1));
    }

    private static string Describe(SubOsRecord r) =>
        $"cpus={r.Cpus} mems={r.Mems} memory={r.Memory} pids={r.PidsMax}{(r.Privileged ? " PRIVILEGED" : $" uid={r.IdBase}")}{(r.Address is null ? string.Empty : " net=" + r.Address)}{(r.Nics.Count == 0 ? string.Empty : " nics=" + string.Join(',', r.Nics))}";

    private static string Describe(MachineRecord m) =>
        $"reserve cpus={(m.ReserveCpus.IsEmpty ? "none" : m.ReserveCpus.ToString())} memory={m.ReserveMemory} host={(m.HostConfined ? "confined" : "not-confined")}";

    /// <summary>
    /// Runs one adjustment inside the ledger's write transaction and journals it: ok with the change,
    /// or the failure (rejected for invalid input, failed for a run-time error) after rolling back.
    /// </summary>
    private T Journaled<T>(string operation, string target, Func<(T Result, string? Before, string? After)> action, Action? onFailure = null)
    {
        var clock = Stopwatch.StartNew();
        var trace = new PhaseTrace(operation + " " + target);
        try
        {
            using (var tx = _ledger.BeginWrite())
            {
                trace.Mark("ledger lock");
                var (result, before, after) = action();
                trace.Mark("work");
                _ledger.Append(operation, target, before, after, clock.Elapsed, "ok", null);
                _ledger.Commit();
                trace.Mark("commit");
                return result;
            }
        }
        catch (Exception e) when (e is RfException or IOException or UnauthorizedAccessException or GuardViolationException)
        {
            var rf = e as RfException ?? (e is GuardViolationException refusal ? Refused(refusal) : RfException.Failed(e.Message, e));
            try
            {
                onFailure?.Invoke();
            }
            catch (GuardViolationException cleanupRefused)
            {
                // The clean-up itself was refused: that is what the user must hear about.
                rf = Refused(cleanupRefused);
            }

            TryAppend(operation, target, clock.Elapsed, rf.ExitCode == RfException.InvalidInputExitCode ? "rejected" : "failed", rf.Message);
            if (rf != e)
            {
                throw rf;
            }

            throw;
        }
    }

    private void TryAppend(string operation, string target, TimeSpan duration, string outcome, string message)
    {
        try
        {
            _ledger.Append(operation, target, null, null, duration, outcome, message);
        }
        catch (Exception e) when (e is RfException or Microsoft.Data.Sqlite.SqliteException)
        {
            // A full disk may refuse even the journal line; the operation's own error is what matters.
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _ledger.Dispose();

    /// <summary>True once <see cref="Init"/> has recorded the machine, until <see cref="Deinit"/>.</summary>
    public bool IsInitialised => _ledger.Machine is not null;
}
