using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;
using RainForest.Core;
using RainForest.Linux.Guard;
using RainForest.Linux.Namespaces;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Network;

/// <summary>
/// RFloop: the supervisor's own network segment joining subOSes. A bridge lives in a network
/// namespace of the supervisor's (named by its prefix), so the host's own network stack, routes and
/// interfaces are never touched; each member gets a veth whose inner end is its <c>eth0</c>.
/// </summary>
/// <remarks>
/// The paper's RFloop intercepts packets with netfilter and moves them over a lock-free ring; a veth
/// pair and a bridge give the same transparency (unmodified programs, real addresses) with the
/// kernel's own fast path, at the cost of one bridge hop.
/// </remarks>
public sealed class LoopNetwork
{
    /// <summary>The segment every supervisor uses inside its own namespace (so supervisors never clash).</summary>
    public const string Subnet = "10.77.0.0/24";

    /// <summary>Host-name suffix under which members resolve each other.</summary>
    public const string Domain = "rf";

    private const string Bridge = "rfbr0";
    private readonly string _namespace;
    private readonly PrefixGuard _guard;

    /// <summary>Creates the network of the supervisor whose prefix <paramref name="guard"/> holds.</summary>
    public LoopNetwork(PrefixGuard guard)
    {
        _guard = guard;
        _namespace = guard.Prefix + "-loop";
    }

    /// <summary>The supervisor's network namespace (as <c>ip netns</c> names it).</summary>
    public string Namespace => _namespace;

    /// <summary>True when the segment's namespace exists.</summary>
    public bool Exists => File.Exists(Path.Combine("/run/netns", _namespace));

    /// <summary>The address of the n-th member slot (2 to 254).</summary>
    public static string AddressOf(int slot) =>
        slot is >= 2 and <= 254 ? $"10.77.0.{slot.ToString(CultureInfo.InvariantCulture)}" : throw new ArgumentOutOfRangeException(nameof(slot));

    /// <summary>Picks the lowest free address, given those in use.</summary>
    /// <exception cref="RfException">The segment is full (exit code 2).</exception>
    public static string NextAddress(IEnumerable<string> used)
    {
        var taken = used.ToHashSet(StringComparer.Ordinal);
        for (var slot = 2; slot <= 254; slot++)
        {
            if (!taken.Contains(AddressOf(slot)))
            {
                return AddressOf(slot);
            }
        }

        throw RfException.Invalid("--net loop: the loop segment is full (253 members)");
    }

    /// <summary>Creates the namespace and bridge when they are missing.</summary>
    /// <remarks>
    /// A namespace without its bridge (a create killed between the two, or an <c>ip netns add</c> by hand) gets the
    /// bridge here, so such a leftover never makes a member's join fail.
    /// </remarks>
    /// <returns>True when the bridge had to be made.</returns>
    public bool EnsureSegment()
    {
        if (!Exists)
        {
            IpTool.Ip("netns", "add", _namespace);
        }
        else if (HasBridge())
        {
            return false;
        }

        IpTool.Ip("-n", _namespace, "link", "set", "lo", "up");
        IpTool.Ip("-n", _namespace, "link", "add", Bridge, "type", "bridge");
        IpTool.Ip("-n", _namespace, "link", "set", Bridge, "up");
        return true;
    }

    /// <summary>True when the segment's namespace holds its bridge.</summary>
    /// <exception cref="RfException">The namespace cannot be entered (a half-made one), exit code 1.</exception>
    public bool HasBridge() => Links().Any(l => l.Name == Bridge);

    /// <summary>Every link in the segment's namespace but <c>lo</c>, with the bridge it is a port of (null when none).</summary>
    /// <exception cref="RfException">The namespace cannot be entered (a half-made one), exit code 1.</exception>
    public IReadOnlyList<(string Name, string? Master)> Links()
    {
        var links = new List<(string, string?)>();
        foreach (var line in IpTool.Ip("-n", _namespace, "-o", "link", "show").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "7: rf0123456789@if6: <BROADCAST,...> mtu 1500 qdisc noqueue master rfbr0 state UP ..."
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2)
            {
                continue;
            }

            var name = fields[1].TrimEnd(':');
            var at = name.IndexOf('@', StringComparison.Ordinal);
            name = at >= 0 ? name[..at] : name;
            var master = Array.IndexOf(fields, "master");
            if (name != "lo")
            {
                links.Add((name, master >= 0 && master + 1 < fields.Length ? fields[master + 1] : null));
            }
        }

        return links;
    }

    /// <summary>The name of the bridge every member's port joins.</summary>
    public static string BridgeName => Bridge;

    /// <summary>Deletes a link of the segment (a leftover port); a link already gone is no error.</summary>
    public void RemoveLink(string link) => TryIp("-n", _namespace, "link", "del", link);

    /// <summary>Makes an existing port of <paramref name="name"/> a port of the bridge again (after the bridge was rebuilt).</summary>
    public void Rejoin(string name) => RejoinLink(OuterLink(name));

    /// <summary>Makes the existing port <paramref name="link"/> (a veth's outer end or a guest's tap) a port of the bridge again.</summary>
    public void RejoinLink(string link) => IpTool.Ip("-n", _namespace, "link", "set", link, "master", Bridge, "up");

    /// <summary>The namespace's file, which a thread joins to open a tap inside (<see cref="TapDevice"/>).</summary>
    public string NamespacePath => Path.Combine("/run/netns", _namespace);

    /// <summary>Joins the subOS whose agent is <paramref name="agentPid"/> to the segment with <paramref name="address"/>.</summary>
    /// <remarks>The member's <c>eth0</c> gets the MAC <see cref="LoopFilter.MacOf"/> derives from the address; the port may send from nothing else.</remarks>
    /// <exception cref="RfException">nft or ip is missing, or a step failed (exit code 1).</exception>
    public void Attach(string name, int agentPid, string address)
    {
        // Before anything is made: without nft the member could not be filtered, so it must not join.
        NftTool.Require();
        EnsureSegment();
        var port = new LoopPort(OuterLink(name), LoopFilter.MacOf(address), address);
        var pid = agentPid.ToString(CultureInfo.InvariantCulture);
        TryIp("-n", _namespace, "link", "del", port.Link);
        IpTool.Ip("-n", _namespace, "link", "add", port.Link, "type", "veth", "peer", "name", "eth0", "address", port.Mac, "netns", pid);

        // The port's rules exist before it joins the bridge: no frame of the member ever passes unjudged.
        NftTool.Apply(_namespace, LoopFilter.Join(FilterTable, port));
        IpTool.Ip("-n", _namespace, "link", "set", port.Link, "master", Bridge, "up");
        IpTool.IpIn(agentPid, "addr", "add", address + "/24", "dev", "eth0");
        IpTool.IpIn(agentPid, "link", "set", "eth0", "up");
    }

    /// <summary>
    /// RFtun: joins a kernel subOS's guest to the segment through a tap <see cref="TapLink"/> made in the supervisor's
    /// namespace, with the same address plan and filter as a cell's port; returns the tap's descriptor for QEMU.
    /// </summary>
    /// <remarks>
    /// The tap is not persistent: it lives while a descriptor is open on it, so it ends with QEMU (or with this rfm,
    /// killed before QEMU took it). The guest's NIC must carry <see cref="LoopFilter.MacOf"/> of the address (QEMU's
    /// <c>mac=</c>); the filter drops anything else it sends, as for a cell. Its rules exist before the tap joins
    /// the bridge, so no frame of the guest passes unjudged.
    /// </remarks>
    /// <exception cref="RfException">nft or ip is missing, or a step failed (exit code 1).</exception>
    public SafeFileHandle AttachTap(string name, string address)
    {
        NftTool.Require();
        EnsureSegment();
        var port = new LoopPort(TapLink(name), LoopFilter.MacOf(address), address);
        TryIp("-n", _namespace, "link", "del", port.Link);
        SafeFileHandle tap;
        try
        {
            tap = TapDevice.Open(NamespacePath, port.Link);
        }
        catch (Exception e) when (e is Interop.LinuxException or ArgumentException)
        {
            throw RfException.Failed($"cannot make the tap {port.Link} in {_namespace}: {e.Message}");
        }

        try
        {
            NftTool.Apply(_namespace, LoopFilter.Join(FilterTable, port));
            IpTool.Ip("-n", _namespace, "link", "set", port.Link, "master", Bridge, "up");
            return tap;
        }
        catch
        {
            tap.Dispose();
            throw;
        }
    }

    /// <summary>The nftables table (bridge family, in <see cref="Namespace"/>) that stops members from spoofing.</summary>
    public string FilterTable => LoopFilter.TableName(_guard.Prefix);

    /// <summary>
    /// Rebuilds the anti-spoofing table from <paramref name="members"/> (the ledger's, whether running or not)
    /// in one transaction, so a member that left loses its rules and any drift is repaired.
    /// </summary>
    /// <remarks>Nothing to do without a segment or without members: the table goes with the namespace.</remarks>
    /// <exception cref="RfException">nft is missing or refused the table (exit code 1).</exception>
    public void RefreshFilter(IEnumerable<(string Name, string Address)> members) =>
        RefreshPorts(members.Select(m => (OuterLink(m.Name), m.Address)));

    /// <summary>As <see cref="RefreshFilter"/>, for members named by their port (<see cref="PortOf"/>: a veth or a tap).</summary>
    /// <exception cref="RfException">nft is missing or refused the table (exit code 1).</exception>
    public void RefreshPorts(IEnumerable<(string Link, string Address)> members)
    {
        var ports = members.Select(m => new LoopPort(m.Link, LoopFilter.MacOf(m.Address), m.Address)).ToList();
        if (ports.Count > 0 && Exists)
        {
            NftTool.Apply(_namespace, LoopFilter.Rebuild(FilterTable, ports));
        }
    }

    /// <summary>Removes the segment (members' links vanish with their namespaces).</summary>
    /// <exception cref="GuardViolationException">The namespace does not carry the supervisor's prefix; nothing was deleted.</exception>
    public void Teardown()
    {
        var name = _guard.CheckNamespace(_namespace);
        if (Exists)
        {
            IpTool.Ip("netns", "del", name);
        }
    }

    /// <summary>Moves a host interface into the subOS's network namespace.</summary>
    public static void MoveNic(string device, int agentPid) =>
        IpTool.Ip("link", "set", "dev", device, "netns", agentPid.ToString(CultureInfo.InvariantCulture));

    /// <summary>The hosts file a subOS sees: itself, then every loop member as NAME and NAME.rf.</summary>
    public static string HostsFile(string self, string? selfAddress, IEnumerable<(string Name, string Address)> members)
    {
        var text = new StringBuilder();
        text.Append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        if (selfAddress is null)
        {
            text.Append(CultureInfo.InvariantCulture, $"127.0.1.1\t{self} {self}.{Domain}\n");
        }

        foreach (var (name, address) in members.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{address}\t{name}.{Domain} {name}\n");
        }

        return text.ToString();
    }

    /// <summary>Checks that <paramref name="address"/> is an address of the segment.</summary>
    public static bool IsSegmentAddress(string address) =>
        IPAddress.TryParse(address, out var ip) && address.StartsWith("10.77.0.", StringComparison.Ordinal) && ip.GetAddressBytes()[3] is >= 2 and <= 254;

    /// <summary>The host-side end of <paramref name="name"/>'s port: a hash, since link names hold 15 bytes.</summary>
    public static string OuterLink(string name) => "rf" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..10];

    /// <summary>The tap of a kernel subOS's guest: <c>rf-t</c> and 10 hex digits of the same hash as <see cref="OuterLink"/>.</summary>
    public static string TapLink(string name) => "rf-t" + OuterLink(name)[2..];

    /// <summary>A member's port on the bridge: the outer end of a cell's veth, or a kernel subOS's tap.</summary>
    public static string PortOf(SubOsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Backend == SubOsBackendKind.Kernel ? TapLink(record.Name) : OuterLink(record.Name);
    }

    private static void TryIp(params string[] args)
    {
        try
        {
            IpTool.Ip(args);
        }
        catch (RfException)
        {
            // Nothing to delete.
        }
    }
}
