using System.Diagnostics;
using System.Globalization;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor.Network;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>
/// RFloop's anti-spoofing filter on the real kernel: a privileged member, root with every capability in
/// its own namespace, rewrites its <c>eth0</c> and tries to reach the other member as someone else.
/// </summary>
/// <remarks>
/// The machine has two CPUs, so two members: the server is 10.77.0.2, the attacker 10.77.0.3. Whether a
/// frame got through is read on the server, from its IPv4 receive counter (<c>Ip: InReceives</c>):
/// nothing else on the segment sends IPv4, and the counter counts a packet before the server decides to
/// drop it (a source equal to its own address, say), so it shows exactly what the bridge let through.
/// </remarks>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class LoopSpoofingTests : IDisposable
{
    private const string Server = "10.77.0.2";
    private const string Attacker = "10.77.0.3";
    private const string Unused = "10.77.0.200";
    private const string ForgedMac = "02:72:66:00:00:99";

    private readonly CellHost _host = new();

    public void Dispose() => _host.Dispose();

    public static TheoryData<string> Attacks => ["stolen-address", "unused-address", "unused-address-arp", "forged-mac"];

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Loop_SpoofingMember_CannotReachItsPeer_ButReachesItAsItself(string attack)
    {
        StartPair();
        var ownMac = LoopFilter.MacOf(Attacker);
        var serverMac = LoopFilter.MacOf(Server);
        Assert.Equal(ownMac, Sh("attacker", "cat /sys/class/net/eth0/address").Trim());
        Sh("attacker", $"ip neigh replace {Server} lladdr {serverMac} dev eth0 nud permanent");
        AssertReaches();

        // A permanent neighbour sends the IPv4 packet without asking ARP first, so the IP rule is what is tested;
        // the -arp case leaves ARP to the kernel, and the ARP rule must stop the question.
        var setup = attack switch
        {
            "stolen-address" => $"ip addr flush dev eth0 && ip addr add {Server}/24 dev eth0 && ip route del local {Server} dev eth0 table local",
            "unused-address" => $"ip addr flush dev eth0 && ip addr add {Unused}/24 dev eth0",
            "unused-address-arp" => $"ip addr flush dev eth0 && ip addr add {Unused}/24 dev eth0 && ip neigh flush dev eth0 nud all",
            "forged-mac" => $"ip link set dev eth0 address {ForgedMac}",
            _ => throw new ArgumentOutOfRangeException(nameof(attack)),
        };
        var neighbour = attack == "unused-address-arp" ? "true" : $"ip neigh replace {Server} lladdr {serverMac} dev eth0 nud permanent";
        Sh("attacker", $"{setup} && {neighbour}");
        var (received, sent) = (Settled("server"), Sent("attacker"));

        Probe();

        Assert.True(Sent("attacker") > sent, "the attack sent nothing, so it proves nothing");
        Assert.Equal(received, InReceives("server"));
        Assert.Empty(Sh("server", $"ip neigh show {Unused}").Trim());

        // The same member as itself again: the filter judged the spoofing, not the member.
        Sh("attacker", $"ip link set dev eth0 address {ownMac} && ip addr flush dev eth0 && ip addr add {Attacker}/24 dev eth0 && ip neigh replace {Server} lladdr {serverMac} dev eth0 nud permanent");
        AssertReaches();
    }

    [Fact]
    public void Filter_LivesOnlyInTheSupervisorsNamespace_FollowsMembers_AndGoesWithTheLast()
    {
        StartPair();
        var loop = _host.Loop;
        var table = loop.FilterTable;

        var rules = Run("ip", "netns", "exec", loop.Namespace, "nft", "list", "table", "bridge", table);
        Assert.Equal(0, rules.ExitCode);
        Assert.Contains("policy drop;", rules.Stdout, StringComparison.Ordinal);
        Assert.Contains($"ether saddr {LoopFilter.MacOf(Server)} ip saddr {Server} accept", rules.Stdout, StringComparison.Ordinal);
        Assert.Contains($"ether saddr {LoopFilter.MacOf(Attacker)} ip saddr {Attacker} accept", rules.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(table, Run("nft", "list", "tables").Stdout, StringComparison.Ordinal);
        var inMember = Run("nsenter", $"--net=/proc/{_host.Supervisor.Show("attacker").Record.AgentPid}/ns/net", "nft", "list", "tables");
        Assert.Equal((0, string.Empty), (inMember.ExitCode, inMember.Stdout.Trim()));

        _host.Supervisor.Destroy("server");

        rules = Run("ip", "netns", "exec", loop.Namespace, "nft", "list", "table", "bridge", table);
        Assert.Equal(0, rules.ExitCode);
        Assert.DoesNotContain(Server + " ", rules.Stdout, StringComparison.Ordinal);
        Assert.Contains($"ip saddr {Attacker} accept", rules.Stdout, StringComparison.Ordinal);

        _host.Supervisor.Destroy("attacker");

        Assert.False(loop.Exists);
        Assert.DoesNotContain(table, Run("nft", "list", "tables").Stdout, StringComparison.Ordinal);
    }

    private void StartPair()
    {
        Assert.True(File.Exists("/usr/sbin/nft"), "nft is required (apt-get install nftables; .ci/run installs it)");
        _host.Supervisor.Create(Options("server", privileged: false));
        _host.Supervisor.Create(Options("attacker", privileged: true));
        Assert.Equal(Server, _host.Supervisor.Show("server").Record.Address);
        Assert.Equal(Attacker, _host.Supervisor.Show("attacker").Record.Address);
    }

    private static CreateOptions Options(string name, bool privileged) =>
        new() { Name = name, Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("256M"), Net = NetMode.Loop, Privileged = privileged };

    /// <summary>Checks that the attacker, as itself, gets the server's answer and the server counts the packet.</summary>
    private void AssertReaches()
    {
        var before = InReceives("server");

        var code = Probe();

        Assert.True(InReceives("server") > before, "the server received nothing from the attacker as itself");
        Assert.Equal(1, code);
    }

    /// <summary>
    /// Opens a TCP connection from the attacker to a closed port of the server: 1 when the server's reset came
    /// back (connection refused), 124 when nothing came back in time.
    /// </summary>
    private int Probe() =>
        int.Parse(Sh("attacker", $"timeout 2 bash -c 'exec 3<>/dev/tcp/{Server}/9' 2>/dev/null; echo $?").Trim(), CultureInfo.InvariantCulture);

    /// <summary>
    /// The server's count once nothing is arriving: on a loaded machine a retransmitted SYN of the last
    /// control probe can land a second later and must not be blamed on the attack.
    /// </summary>
    private long Settled(string member)
    {
        var count = InReceives(member);
        for (var i = 0; i < 10; i++)
        {
            Thread.Sleep(500);
            var next = InReceives(member);
            if (next == count)
            {
                break;
            }

            count = next;
        }

        return count;
    }

    private long Sent(string member) => long.Parse(Sh(member, "cat /sys/class/net/eth0/statistics/tx_packets").Trim(), CultureInfo.InvariantCulture);

    /// <summary>
    /// TCP segments the member's stack received. TCP, not every IPv4 packet: the probe is TCP, and the
    /// kernel's own IGMP and multicast traffic on the segment would otherwise be counted as the attack's.
    /// </summary>
    private long InReceives(string member)
    {
        var lines = Sh(member, "grep '^Tcp:' /proc/net/snmp").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var column = Array.IndexOf(lines[0].Split(' '), "InSegs");
        return long.Parse(lines[1].Split(' ')[column], CultureInfo.InvariantCulture);
    }

    private string Sh(string member, string script)
    {
        var (code, output) = _host.Exec(member, "sh", "-c", script);
        Assert.True(code == 0, $"{member}: '{script}' exited {code}: {output}");
        return output;
    }

    private static (int ExitCode, string Stdout) Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
