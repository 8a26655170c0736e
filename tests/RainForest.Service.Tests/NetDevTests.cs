using RainForest.Supervisor.Queries;

namespace RainForest.Service.Tests;

/// <summary>The RFloop port's byte counts, read from a subOS's /proc/net/dev.</summary>
public sealed class NetDevTests
{
    private const string Sample = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:     840      10    0    0    0     0          0         0      840      10    0    0    0     0       0          0
          eth0: 1234567    9000    0    0    0     0          0         3  7654321    8000    0    0    0     0       0          0
        """;

    [Fact]
    public void ParseNetDev_Eth0_IsReceivedAndSentBytes() => Assert.Equal((1234567L, 7654321L), UsageSampler.ParseNetDev(Sample, "eth0"));

    [Fact]
    public void ParseNetDev_MissingDevice_IsNull() => Assert.Equal((null, null), UsageSampler.ParseNetDev(Sample, "eth1"));
}
