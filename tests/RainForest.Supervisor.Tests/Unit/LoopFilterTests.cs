using RainForest.Supervisor.Network;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>The anti-spoofing ruleset RFloop loads, as text (the kernel side is in the integration tests).</summary>
public sealed class LoopFilterTests
{
    private static readonly LoopPort s_first = new("rf0123456789", "02:72:66:4d:00:02", "10.77.0.2");
    private static readonly LoopPort s_second = new("rfabcdefabcd", "02:72:66:4d:00:03", "10.77.0.3");

    [Fact]
    public void Rebuild_TwoPorts_ReplacesTheTableWithOneChainPerPort()
    {
        const string Expected = """
            add table bridge rf-1234abcd-loop
            delete table bridge rf-1234abcd-loop
            table bridge rf-1234abcd-loop {
            	map ports {
            		type ifname : verdict
            		elements = { "rf0123456789" : jump port_rf0123456789, "rfabcdefabcd" : jump port_rfabcdefabcd }
            	}

            	chain prerouting {
            		type filter hook prerouting priority filter; policy drop;
            		iifname vmap @ports
            	}

            	chain port_rf0123456789 {
            		ether saddr 02:72:66:4d:00:02 arp htype 1 arp ptype ip arp hlen 6 arp plen 4 arp saddr ether 02:72:66:4d:00:02 arp saddr ip 10.77.0.2 accept
            		ether saddr 02:72:66:4d:00:02 ip saddr 10.77.0.2 accept
            		counter drop
            	}

            	chain port_rfabcdefabcd {
            		ether saddr 02:72:66:4d:00:03 arp htype 1 arp ptype ip arp hlen 6 arp plen 4 arp saddr ether 02:72:66:4d:00:03 arp saddr ip 10.77.0.3 accept
            		ether saddr 02:72:66:4d:00:03 ip saddr 10.77.0.3 accept
            		counter drop
            	}
            }

            """;

        // Ports come sorted, so the same members always give the same text.
        Assert.Equal(Expected, LoopFilter.Rebuild("rf-1234abcd-loop", [s_second, s_first]));
    }

    [Fact]
    public void Rebuild_NoPorts_DropsEverythingWithAnEmptyMap()
    {
        var text = LoopFilter.Rebuild("rainforest-loop", []);

        Assert.DoesNotContain("elements", text, StringComparison.Ordinal);
        Assert.DoesNotContain("chain port_", text, StringComparison.Ordinal);
        Assert.Contains("policy drop;", text, StringComparison.Ordinal);
        Assert.Contains("iifname vmap @ports", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Join_OnePort_RefillsItsChainAndTheDispatchRuleOnly()
    {
        var lines = LoopFilter.Join("rainforest-loop", s_first).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(
        [
            "add table bridge rainforest-loop",
            "add map bridge rainforest-loop ports { type ifname : verdict ; }",
            "add chain bridge rainforest-loop port_rf0123456789",
            "flush chain bridge rainforest-loop port_rf0123456789",
            "add rule bridge rainforest-loop port_rf0123456789 ether saddr 02:72:66:4d:00:02 arp htype 1 arp ptype ip arp hlen 6 arp plen 4 arp saddr ether 02:72:66:4d:00:02 arp saddr ip 10.77.0.2 accept",
            "add rule bridge rainforest-loop port_rf0123456789 ether saddr 02:72:66:4d:00:02 ip saddr 10.77.0.2 accept",
            "add rule bridge rainforest-loop port_rf0123456789 counter drop",
            "add element bridge rainforest-loop ports { \"rf0123456789\" : jump port_rf0123456789 }",
            "add chain bridge rainforest-loop prerouting { type filter hook prerouting priority filter; policy drop; }",
            "flush chain bridge rainforest-loop prerouting",
            "add rule bridge rainforest-loop prerouting iifname vmap @ports",
        ], lines);
        Assert.DoesNotContain(lines, l => l.Contains("delete", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_NeverAcceptIPv6()
    {
        var text = LoopFilter.Rebuild("rainforest-loop", [s_first]) + LoopFilter.Join("rainforest-loop", s_first);

        Assert.DoesNotContain("ip6", text, StringComparison.Ordinal);
        Assert.DoesNotContain("0.0.0.0", text, StringComparison.Ordinal);
        Assert.DoesNotContain("policy accept", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.77.0.2", "02:72:66:4d:00:02")]
    [InlineData("10.77.0.254", "02:72:66:4d:00:fe")]
    public void MacOf_Address_IsTheRfPrefixAndTheAddressTail(string address, string mac) =>
        Assert.Equal(mac, LoopFilter.MacOf(address));

    [Fact]
    public void MacOf_EverySegmentAddress_IsAUniqueLocallyAdministeredUnicastMac()
    {
        var macs = Enumerable.Range(2, 253).Select(slot => LoopFilter.MacOf(LoopNetwork.AddressOf(slot))).ToList();

        Assert.Equal(macs.Count, macs.Distinct(StringComparer.Ordinal).Count());
        Assert.All(macs, mac => Assert.Equal(0x02, Convert.ToByte(mac[..2], 16) & 0x03));
    }

    [Theory]
    [InlineData("10.77.2")]
    [InlineData(" 10.77.0.2")]
    [InlineData("10.77.0.2 accept")]
    [InlineData("::1")]
    [InlineData("")]
    public void MacOf_NotADottedQuad_Throws(string address) =>
        Assert.Throws<ArgumentException>(() => LoopFilter.MacOf(address));

    [Theory]
    [InlineData("rf012345678\"", "02:72:66:4d:00:02", "10.77.0.2")]
    [InlineData("eth0", "02:72:66:4d:00:02", "10.77.0.2")]
    [InlineData("rf0123456789", "02:72:66:4d:00:02 accept;", "10.77.0.2")]
    [InlineData("rf0123456789", "02:72:66:4d:00:02", "10.77.0.0/24")]
    [InlineData("rf0123456789", "02:72:66:4d:00:02", "10.77.0.2\nflush ruleset")]
    [InlineData("rf-x0123456789", "02:72:66:4d:00:02", "10.77.0.2")]
    [InlineData("rf-t012345678", "02:72:66:4d:00:02", "10.77.0.2")]
    public void Rebuild_MalformedPort_IsRefusedNotQuoted(string link, string mac, string address)
    {
        var port = new LoopPort(link, mac, address);

        Assert.Throws<ArgumentException>(() => LoopFilter.Rebuild("rainforest-loop", [port]));
        Assert.Throws<ArgumentException>(() => LoopFilter.Join("rainforest-loop", port));
    }

    [Fact]
    public void Rebuild_GuestTap_IsJudgedLikeACellsPort()
    {
        var tap = new LoopPort(LoopNetwork.TapLink("k1"), LoopFilter.MacOf("10.77.0.3"), "10.77.0.3");

        var table = LoopFilter.Rebuild("rainforest-loop", [tap]);

        Assert.Contains($"\"{tap.Link}\" : jump port_{tap.Link}", table, StringComparison.Ordinal);
        Assert.Contains($"ether saddr {tap.Mac} ip saddr 10.77.0.3 accept", table, StringComparison.Ordinal);
        Assert.Contains($"add element bridge rainforest-loop ports {{ \"{tap.Link}\" : jump port_{tap.Link} }}", LoopFilter.Join("rainforest-loop", tap), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rainforest", "rainforest-loop")]
    [InlineData("rf-1234abcd", "rf-1234abcd-loop")]
    public void TableName_Prefix_IsTheNamespaceName(string prefix, string table) =>
        Assert.Equal(table, LoopFilter.TableName(prefix));

    [Theory]
    [InlineData("rf 1")]
    [InlineData("1rf")]
    [InlineData("rf;flush")]
    public void TableName_NotAnIdentifier_Throws(string prefix) =>
        Assert.Throws<ArgumentException>(() => LoopFilter.TableName(prefix));
}
