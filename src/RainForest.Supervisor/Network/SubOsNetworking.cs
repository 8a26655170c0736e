using RainForest.Core;
using RainForest.Linux.Guard;
using RainForest.Linux.Kernel;
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
    private readonly KernelFiles _kernel;

    public SubOsNetworking(ResourceLedger ledger, SubOsBackends backends, PrefixGuard guard, KernelFiles kernel)
    {
        _ledger = ledger;
        _backends = backends;
        _kernel = kernel;
        Loop = new LoopNetwork(guard);
    }

    /// <summary>The supervisor's RFloop segment.</summary>
    public LoopNetwork Loop { get; }

    /// <summary>
    /// Checks <c>--nic</c> names (syntax, and that the host has them) without the ledger: the CLI calls
    /// it before it opens anything. Ownership is checked in the create's transaction.
    /// </summary>
    /// <exception cref="RfException">A name is invalid or names no interface (exit code 2).</exception>
    public static void CheckNics(IEnumerable<string> nics, KernelFiles kernel)
    {
        foreach (var nic in nics)
        {
            if (NicProblem(InterfaceName.Check(nic), kernel) is { } problem)
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
            if (NicProblem(InterfaceName.Check(nic), _kernel) is { } problem)
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
        // A kernel subOS's tap joined before its QEMU started (QEMU is handed the tap's descriptor).
        if (record.Address is { } address && record.Backend != SubOsBackendKind.Kernel)
        {
            Loop.Attach(record.Name, record.AgentPid, address);
        }

        foreach (var nic in record.Nics)
        {
            LoopNetwork.MoveNic(nic, record.AgentPid);
            new NicSteering(_kernel, _ledger).Steer(nic, record.Cpus);
        }

        RefreshNames();
    }

    /// <summary>Points the IRQs of a subOS's NICs at its CPUs again (after a resize).</summary>
    public void SteerNics(SubOsRecord record)
    {
        foreach (var nic in record.Nics)
        {
            new NicSteering(_kernel, _ledger).Steer(nic, record.Cpus);
        }
    }

    /// <summary>Puts back the IRQ affinities of a subOS's NICs.</summary>
    public void ReleaseNics(SubOsRecord record)
    {
        // A physical NIC returns to the host's namespace by itself when the subOS's namespace dies.
        foreach (var nic in record.Nics)
        {
            new NicSteering(_kernel, _ledger).Restore(nic);
        }
    }

    /// <summary>
    /// Brings the RFloop segment in line with the ledger after an interrupted command: removes a namespace that serves
    /// no member or cannot be entered, rebuilds a missing bridge, removes ports of subOSes that are gone, and joins
    /// a running member whose port is missing or off the bridge again. Runs inside reconcile's transaction.
    /// </summary>
    /// <returns>One entry per repair: what was found and what was done.</returns>
    /// <exception cref="GuardViolationException">The namespace does not carry the prefix; nothing was deleted.</exception>
    /// <exception cref="RfException">ip or nft failed (exit code 1).</exception>
    public List<(string Target, string Message)> RepairLoop()
    {
        var repairs = new List<(string Target, string Message)>();
        var all = _ledger.List();
        var members = all.Where(s => s.Address is not null).ToList();
        var running = members.Where(s => s.State == SubOsState.Running && _backends.For(s).IsAlive(s)).ToList();
        var ns = Loop.Namespace;
        if (!Loop.Exists)
        {
            if (running.Count == 0)
            {
                return repairs;
            }

            // Every port died with the namespace: each running cell joins the new segment. A guest's tap cannot
            // be handed to its running QEMU again: it stays off the loop until it is created anew.
            var cells = running.Where(m => m.Backend != SubOsBackendKind.Kernel).ToList();
            foreach (var member in cells)
            {
                Loop.Attach(member.Name, member.AgentPid, member.Address!);
            }

            repairs.Add((ns, $"loop namespace {ns} was missing while {running.Count} member(s) ran; rebuilt and joined {string.Join(", ", cells.Select(m => m.Name))}"));
            repairs.AddRange(running.Except(cells).Select(m => (m.Name, TapLost(m))));
            RefreshNames();
            return repairs;
        }

        IReadOnlyList<(string Name, string? Master)> links;
        try
        {
            links = Loop.Links();
        }
        catch (RfException e)
        {
            // A namespace file that is not a namespace (ip netns add killed half-way): nothing in it can be kept.
            Loop.Teardown();
            repairs.Add((ns, $"loop namespace {ns} could not be entered ({e.Message}); removed"));
            return [.. repairs, .. RepairLoop()];
        }

        if (members.Count == 0)
        {
            Loop.Teardown();
            repairs.Add((ns, $"loop namespace {ns} served no subOS (an interrupted create or destroy?); removed with its {links.Count} link(s)"));
            return repairs;
        }

        if (Loop.EnsureSegment())
        {
            repairs.Add((ns, $"loop namespace {ns} had no bridge {LoopNetwork.BridgeName} (an interrupted create?); rebuilt"));
        }

        var expected = running.ToDictionary(LoopNetwork.PortOf, StringComparer.Ordinal);
        foreach (var (link, _) in links.Where(l => l.Name != LoopNetwork.BridgeName && !expected.ContainsKey(l.Name)))
        {
            Loop.RemoveLink(link);
            repairs.Add((ns, $"link {link} in {ns} belongs to no running subOS (an interrupted create or destroy?); removed"));
        }

        var present = links.ToDictionary(l => l.Name, l => l.Master, StringComparer.Ordinal);
        foreach (var (link, member) in expected)
        {
            if (!present.TryGetValue(link, out var master))
            {
                if (member.Backend == SubOsBackendKind.Kernel)
                {
                    repairs.Add((member.Name, TapLost(member)));
                    continue;
                }

                Loop.Attach(member.Name, member.AgentPid, member.Address!);
                repairs.Add((member.Name, $"subOS '{member.Name}': its loop port {link} was missing; attached again as {member.Address}"));
            }
            else if (master != LoopNetwork.BridgeName)
            {
                Loop.RejoinLink(link);
                repairs.Add((member.Name, $"subOS '{member.Name}': its loop port {link} was off the bridge; joined again"));
            }
        }

        if (repairs.Count > 0)
        {
            RefreshNames();
        }

        return repairs;
    }

    private static string TapLost(SubOsRecord member) =>
        $"subOS '{member.Name}': its tap {LoopNetwork.TapLink(member.Name)} is gone and its running QEMU cannot take a new one; it is off the loop until destroyed and created again";

    /// <summary>Why an interface cannot be handed to a subOS, or null when it can.</summary>
    /// <remarks>
    /// The loopback device exists in every network namespace and cannot move: it used to be reported as
    /// missing, which sent users looking for an interface that plainly exists.
    /// </remarks>
    private static string? NicProblem(string nic, KernelFiles kernel)
    {
        if (nic == "lo")
        {
            return "the loopback interface belongs to every network namespace and cannot be moved into a subOS (each subOS has its own lo)";
        }

        return kernel.DirectoryExists(kernel.PathOf("/sys/class/net/" + nic)) ? null : "no such network interface on the host (ip link lists them)";
    }

    /// <summary>Rewrites every member's hosts file so that NAME and NAME.rf resolve on the loop; drops the segment when empty.</summary>
    public void RefreshNames()
    {
        var all = _ledger.List();
        var members = all.Where(s => s.Address is not null).Select(s => (s.Name, s.Address!)).ToList();
        Loop.RefreshPorts(all.Where(s => s.Address is not null).Select(s => (LoopNetwork.PortOf(s), s.Address!)));
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
