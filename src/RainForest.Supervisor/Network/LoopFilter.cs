using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace RainForest.Supervisor.Network;

/// <summary>
/// RFloop's anti-spoofing filter: an nftables table of the <c>bridge</c> family that lets each member's
/// port send only from the member's own MAC and IPv4 address. This class writes the ruleset as text
/// (<c>nft -f</c> input); <see cref="LoopNetwork"/> loads it into the supervisor's namespace.
/// </summary>
/// <remarks>
/// <para>
/// The shape: a verdict map from the ingress port to that port's chain, looked up in a base chain on
/// the bridge's <c>prerouting</c> hook whose policy is drop. A port's chain accepts ARP whose Ethernet
/// and ARP sender are the member's MAC and address, and IPv4 whose Ethernet source is the member's MAC
/// and IP source its address; everything else from the port is dropped and counted: IPv6 (RFloop is
/// IPv4 only, and a link-local address would be one more identity to police), DHCP's 0.0.0.0, VLAN tags,
/// any other EtherType. A port the map does not know sends nothing.
/// </para>
/// <para>
/// Prerouting, not forward: the bridge learns source MACs after this hook, so a dropped frame neither
/// reaches a peer nor poisons the forwarding table, and frames for the bridge itself are covered too.
/// The table lives in the supervisor's namespace, outside every member: a member with every capability
/// in its own namespace can change its <c>eth0</c> but not the rules that judge what leaves it.
/// </para>
/// </remarks>
public static partial class LoopFilter
{
    /// <summary>The first three bytes of every member's MAC: locally administered, unicast, then "rf".</summary>
    public const string MacPrefix = "02:72:66";

    private const string BaseChainType = "type filter hook prerouting priority filter; policy drop;";
    private const string Dispatch = "iifname vmap @ports";

    /// <summary>The table's name in the supervisor's namespace: the namespace's own name (<c>PREFIX-loop</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is not an nft identifier.</exception>
    public static string TableName(string prefix)
    {
        var name = prefix + "-loop";
        return Identifier().IsMatch(name) ? name : throw new ArgumentException($"'{prefix}' cannot name an nft table", nameof(prefix));
    }

    /// <summary>
    /// The MAC of the member at <paramref name="address"/>: <see cref="MacPrefix"/> and the address's last
    /// three bytes, so it is unique on the segment because the address is, and the same after a restart.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not an IPv4 address.</exception>
    public static string MacOf(string address)
    {
        var bytes = ParseIPv4(address).GetAddressBytes();
        return string.Create(CultureInfo.InvariantCulture, $"{MacPrefix}:{bytes[1]:x2}:{bytes[2]:x2}:{bytes[3]:x2}");
    }

    /// <summary>
    /// The whole table for <paramref name="ports"/>, replacing any table of that name in one transaction:
    /// rules of ports not listed are gone, and no frame is ever judged by a half-loaded table.
    /// </summary>
    /// <exception cref="ArgumentException">A table name, link, MAC or address is malformed.</exception>
    public static string Rebuild(string table, IEnumerable<LoopPort> ports)
    {
        CheckTable(table);
        var list = ports.OrderBy(p => p.Link, StringComparer.Ordinal).ToList();
        list.ForEach(Check);
        var text = new StringBuilder();

        // "add" then "delete" makes the delete valid whether or not the table exists (nft 1.0.6 has no "destroy").
        text.Append(CultureInfo.InvariantCulture, $"add table bridge {table}\ndelete table bridge {table}\n");
        text.Append(CultureInfo.InvariantCulture, $"table bridge {table} {{\n\tmap ports {{\n\t\ttype ifname : verdict\n");
        if (list.Count > 0)
        {
            text.Append("\t\telements = { ");
            text.AppendJoin(", ", list.Select(p => $"\"{p.Link}\" : jump {ChainOf(p)}"));
            text.Append(" }\n");
        }

        text.Append("\t}\n\n\tchain prerouting {\n\t\t").Append(BaseChainType).Append("\n\t\t").Append(Dispatch).Append("\n\t}\n");
        foreach (var port in list)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n\tchain {ChainOf(port)} {{\n");
            foreach (var rule in Rules(port))
            {
                text.Append("\t\t").Append(rule).Append('\n');
            }

            text.Append("\t}\n");
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>
    /// Adds or replaces one port's rules, leaving the other ports' alone, creating the table if it is missing;
    /// one transaction, safe to apply again.
    /// </summary>
    /// <exception cref="ArgumentException">The table name, link, MAC or address is malformed.</exception>
    public static string Join(string table, LoopPort port)
    {
        CheckTable(table);
        Check(port);
        var chain = ChainOf(port);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"add table bridge {table}\n");
        text.Append(CultureInfo.InvariantCulture, $"add map bridge {table} ports {{ type ifname : verdict ; }}\n");
        text.Append(CultureInfo.InvariantCulture, $"add chain bridge {table} {chain}\n");
        text.Append(CultureInfo.InvariantCulture, $"flush chain bridge {table} {chain}\n");
        foreach (var rule in Rules(port))
        {
            text.Append(CultureInfo.InvariantCulture, $"add rule bridge {table} {chain} {rule}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"add element bridge {table} ports {{ \"{port.Link}\" : jump {chain} }}\n");

        // Flushing and refilling the base chain keeps exactly one dispatch rule however often a port joins.
        text.Append(CultureInfo.InvariantCulture, $"add chain bridge {table} prerouting {{ {BaseChainType} }}\n");
        text.Append(CultureInfo.InvariantCulture, $"flush chain bridge {table} prerouting\n");
        text.Append(CultureInfo.InvariantCulture, $"add rule bridge {table} prerouting {Dispatch}\n");
        return text.ToString();
    }

    private static string ChainOf(LoopPort port) => "port_" + port.Link;

    private static IEnumerable<string> Rules(LoopPort port)
    {
        // The kernel's ARP only parses Ethernet/IPv4 ARP (hlen 6, plen 4): pinning the sizes keeps the
        // offsets nft reads the sender at the ones the receiver will read.
        yield return $"ether saddr {port.Mac} arp htype 1 arp ptype ip arp hlen 6 arp plen 4 arp saddr ether {port.Mac} arp saddr ip {port.Address} accept";
        yield return $"ether saddr {port.Mac} ip saddr {port.Address} accept";
        yield return "counter drop";
    }

    private static void CheckTable(string table)
    {
        if (!Identifier().IsMatch(table))
        {
            throw new ArgumentException($"'{table}' is not an nft table name", nameof(table));
        }
    }

    // The values land in nft's own language: anything but the exact shapes is refused, never quoted.
    private static void Check(LoopPort port)
    {
        if (!Link().IsMatch(port.Link))
        {
            throw new ArgumentException($"'{port.Link}' is not a loop port (rf or rf-t, and 10 hex digits)", nameof(port));
        }

        if (!Mac().IsMatch(port.Mac))
        {
            throw new ArgumentException($"'{port.Mac}' is not a MAC address", nameof(port));
        }

        ParseIPv4(port.Address);
    }

    private static IPAddress ParseIPv4(string address)
    {
        // IPAddress.TryParse also takes "10.77.2" and " 10.77.0.2"; only the canonical dotted quad round-trips.
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || ip.ToString() != address)
        {
            throw new ArgumentException($"'{address}' is not an IPv4 address", nameof(address));
        }

        return ip;
    }

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9_-]{0,63}$")]
    private static partial Regex Identifier();

    [GeneratedRegex("^rf(-t)?[0-9a-f]{10}$")]
    private static partial Regex Link();

    [GeneratedRegex("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")]
    private static partial Regex Mac();
}
