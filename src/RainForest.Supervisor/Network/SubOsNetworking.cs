using RainForest.Core;
using RainForest.Linux.Guard;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Network;

/// <summary>
/// The supervisor's networking room: RFloop membership and names, and host NICs moved into subOSes with their
/// IRQs steered to the owner's CPUs.
/// </summary>
internal sealed class SubOsNetworking
{
    private readonly ResourceLedger _ledger;
    private readonly SubOsBackends _backends;
    private readonly string _hostRoot;

    public SubOsNetworking(ResourceLedger ledger, SubOsBackends backends, PrefixGuard guard, string hostRoot)
    {
        _ledger = ledger;
        _backends = backends;
        _hostRoot = hostRoot;
        Loop = new LoopNetwork(guard);
    }

    /// <summary>The supervisor's RFloop segment.</summary>
    public LoopNetwork Loop { get; }

    /// <summary>
    /// Checks <c>--nic</c> names (syntax, and that the host has them) without the ledger: the CLI calls
    /// it before it opens anything. Ownership is checked in the create's transaction.
    /// </summary>
    /// <exception cref="RfException">A name is invalid or names no interface (exit code 2).</exception>
    public static void CheckNics(IEnumerable<string> nics, string hostRoot)
    {
        foreach (var nic in nics)
        {
            if (NicProblem(InterfaceName.Check(nic), hostRoot) is { } problem)
            {
                throw RfException.Invalid($"--nic {nic}: {problem}");
            }
        }
    }

    /// <summary>Checks a create's network inside its transaction: the mode, and that each NIC exists and is nobody's yet.</summary>
    /// <exception cref="RfException">Invalid input (exit code 2).</exception>
    public void Check(CreateOptions options)
    {
        if (!Enum.IsDefined(options.Net))
        {
            throw RfException.Invalid($"--net {options.Net}: expected none or loop");
        }

        foreach (var nic in options.Nics)
        {
            if (NicProblem(InterfaceName.Check(nic), _hostRoot) is { } problem)
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

    /// <summary>The loop address a new subOS gets: the lowest free one on the segment, or null off the loop.</summary>
    /// <exception cref="RfException">The segment is full (exit code 2).</exception>
    public string? AddressFor(NetMode net) =>
        net == NetMode.Loop ? LoopNetwork.NextAddress(_ledger.List().Select(s => s.Address).OfType<string>()) : null;

    /// <summary>Joins a freshly started subOS to the loop and hands it its NICs; then every member learns the names.</summary>
    public void Connect(SubOsRecord record)
    {
        if (record.Address is { } address)
        {
            Loop.Attach(record.Name, record.AgentPid, address);
        }

        foreach (var nic in record.Nics)
        {
            LoopNetwork.MoveNic(nic, record.AgentPid);
            new NicSteering(_hostRoot, _ledger).Steer(nic, record.Cpus);
        }

        RefreshNames();
    }

    /// <summary>Points the IRQs of a subOS's NICs at its CPUs again (after a resize).</summary>
    public void SteerNics(SubOsRecord record)
    {
        foreach (var nic in record.Nics)
        {
            new NicSteering(_hostRoot, _ledger).Steer(nic, record.Cpus);
        }
    }

    /// <summary>Puts back the IRQ affinities of a subOS's NICs.</summary>
    public void ReleaseNics(SubOsRecord record)
    {
        // A physical NIC returns to the host's namespace by itself when the subOS's namespace dies.
        foreach (var nic in record.Nics)
        {
            new NicSteering(_hostRoot, _ledger).Restore(nic);
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

    /// <summary>Rewrites every member's hosts file so that NAME and NAME.rf resolve on the loop; drops the segment when empty.</summary>
    public void RefreshNames()
    {
        var all = _ledger.List();
        var members = all.Where(s => s.Address is not null).Select(s => (s.Name, s.Address!)).ToList();
        Loop.RefreshFilter(members);
        foreach (var s in all)
        {
            _backends.For(s).WriteHosts(s.Name, LoopNetwork.HostsFile(s.Name, s.Address, s.Address is null ? [] : members));
        }

        if (members.Count == 0)
        {
            Loop.Teardown();
        }
    }
}
