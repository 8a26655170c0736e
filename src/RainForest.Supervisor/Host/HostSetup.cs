using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Kernel;
using RainForest.Linux.Topology;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Channels;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Lifecycle;
using RainForest.Supervisor.Network;

namespace RainForest.Supervisor.Host;

/// <summary>
/// The supervisor's host room: <c>rfm init</c> records the machine and the supervisor partition (and with
/// <c>--confine-host</c> moves the host onto it) and starts the supervisor's lxcfs; <c>rfm deinit</c> undoes all of that.
/// </summary>
internal sealed class HostSetup
{
    private readonly ResourceLedger _ledger;
    private readonly Journal _journal;
    private readonly CgroupDriver _cgroups;
    private readonly StateDirectory _state;
    private readonly KernelFiles _kernel;
    private readonly SubOsBackends _backends;
    private readonly SubOsLifecycle _lifecycle;
    private readonly ChannelLifecycle _channels;
    private readonly SubOsNetworking _network;
    private readonly LxcfsService? _lxcfs;

    public HostSetup(
        ResourceLedger ledger, Journal journal, CgroupDriver cgroups, StateDirectory state, KernelFiles kernel,
        SubOsBackends backends, SubOsLifecycle lifecycle, ChannelLifecycle channels, SubOsNetworking network, LxcfsService? lxcfs)
    {
        _ledger = ledger;
        _journal = journal;
        _cgroups = cgroups;
        _state = state;
        _kernel = kernel;
        _backends = backends;
        _lifecycle = lifecycle;
        _channels = channels;
        _network = network;
        _lxcfs = lxcfs;
    }

    /// <summary>Records the machine and the supervisor partition; may run again while no subOS conflicts.</summary>
    public MachineRecord Init(InitOptions options)
    {
        return _journal.Run<MachineRecord>("init", "machine", () =>
        {
            var topology = TopologyReader.Read(_kernel);
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
                Prefix = _state.Prefix,
                CgroupMode = _cgroups.Layout.Mode,
                Initialized = DateTimeOffset.UtcNow,
                HostConfined = previous?.HostConfined ?? false,
            };

            // The new partition must still hold every subOS: ask the pool built on it.
            var owners = _ledger.List().ToDictionary(s => s.Name, s => s.Allocation());
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
                var confinement = new HostConfinement(_kernel, _cgroups, _ledger);
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
        // On a full disk a forced deinit would destroy every subOS and then fail to record its own end: refuse it whole.
        if (_ledger.SpaceError() is { } full)
        {
            throw full.Refusing("deinit", "the supervisor");
        }

        var subs = _ledger.List();
        if (subs.Count > 0 && !force)
        {
            throw RfException.Invalid($"{subs.Count} subOS(es) still exist ({string.Join(", ", subs.Select(s => s.Name))}); destroy them or use --force");
        }

        foreach (var s in subs)
        {
            _lifecycle.Destroy(s.Name);
        }

        foreach (var channel in _ledger.Channels())
        {
            _channels.Destroy(channel.Name);
        }

        _journal.Run("deinit", "machine", () =>
        {
            var machine = _ledger.Machine;
            new HostConfinement(_kernel, _cgroups, _ledger).Release();

            // The supervisor's group holds host tasks the supervisor did not start: never kill them.
            if (!_cgroups.RemoveIfEmpty(RainForestSupervisor.SupervisorGroup))
            {
                throw RfException.Failed($"the supervisor's cgroup still holds tasks after they were moved out; run 'rfm deinit' again");
            }

            foreach (var backend in _backends.All)
            {
                foreach (var orphan in backend.Instances())
                {
                    backend.Stop(orphan, 0);
                }
            }

            _cgroups.RemoveParentIfEmpty();
            _network.Loop.Teardown();
            _lxcfs?.Stop();
            _channels.RemoveRoot();
            _ledger.SetMachine(null);
            return (0, machine is null ? null : Describe(machine), (string?)null);
        });
    }

    private static ByteSize DefaultReserve(long total)
    {
        var fivePercent = total / 20;
        return new ByteSize(Math.Clamp(fivePercent, 256 * ByteSize.MiB, 4 * ByteSize.GiB) & ~(ByteSize.MiB - 1));
    }

    /// <summary>The partition as the journal's before and after show it.</summary>
    private static string Describe(MachineRecord m) =>
        $"reserve cpus={(m.ReserveCpus.IsEmpty ? "none" : m.ReserveCpus.ToString())} memory={m.ReserveMemory} host={(m.HostConfined ? "confined" : "not-confined")}";
}
