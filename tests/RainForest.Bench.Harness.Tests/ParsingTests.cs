using RainForest.Bench.Harness.Interference;
using RainForest.Bench.Harness.Micro;
using RainForest.Bench.Harness.Programs;
using RainForest.Bench.Harness.Systems;

namespace RainForest.Bench.Harness.Tests;

/// <summary>The parsers of the programs' output and of kernel tables, on captured text.</summary>
public sealed class ParsingTests
{
    private const string StressNgOutput = """
        stress-ng: info:  [15697] setting to a 2 second run per stressor
        stress-ng: info:  [15697] dispatching hogs: 1 cache
        stress-ng: metrc: [15697] stressor       bogo ops real time  usr time  sys time   bogo ops/s     bogo ops/s
        stress-ng: metrc: [15697]                           (secs)    (secs)    (secs)   (real time) (usr+sys time)
        stress-ng: metrc: [15697] cache           1665024      2.00      1.77      0.03    832518.75      924897.72
        stress-ng: metrc: [15697] miscellaneous metrics:
        stress-ng: metrc: [15697] cache          812144655.47 cache ops per second (geometic mean of 1 instances)
        stress-ng: info:  [15697] successful run completed in 2.01s
        """;

    [Fact]
    public void BogoOpsPerSecond_MetricsBrief_RealTimeRateOfTheStressor()
    {
        Assert.Equal(832518.75, StressNgMetrics.BogoOpsPerSecond(StressNgOutput, "cache"));
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("stream")]
    public void BogoOpsPerSecond_OtherStressor_Null(string stressor)
    {
        Assert.Null(StressNgMetrics.BogoOpsPerSecond(StressNgOutput, stressor));
    }

    [Fact]
    public void BogoOpsPerSecond_NoMetrics_Null()
    {
        Assert.Null(StressNgMetrics.BogoOpsPerSecond("stress-ng: error: [1] cannot allocate", "cpu"));
    }

    [Fact]
    public void Gbits_ClientDocument_ReceivedRateInGbits()
    {
        var json = """{"start":{},"intervals":[],"end":{"sum_sent":{"bits_per_second":7.3e9},"sum_received":{"bits_per_second":7.25e9}}}""";

        Assert.Equal(7.25, Iperf3Report.Gbits(json));
    }

    [Fact]
    public void Gbits_ClientStoppedEarly_SentRate()
    {
        // SIGTERM: iperf3 -J prints what it sent; the server's side is missing, so received reads 0.
        var json = """{"end":{"sum_sent":{"bits_per_second":1.3e10},"sum_received":{"bits_per_second":0}},"error":"interrupt - the client has terminated"}""";

        Assert.Equal(13, Iperf3Report.Gbits(json));
    }

    [Theory]
    [InlineData("")]
    [InlineData("iperf3: error - unable to connect to server: Connection refused")]
    [InlineData("""{"start":{},"error":"unable to connect"}""")]
    public void Gbits_NoResult_Null(string output)
    {
        Assert.Null(Iperf3Report.Gbits(output));
    }

    [Fact]
    public void ListensIn_ListeningSocketOnPort_True()
    {
        var table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:2BCB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   113        0 24601 1 0000000000000000 100 0 0 10 0
               1: 0100007F:2BCB 0100007F:D6E2 01 00000000:00000000 00:00000000 00000000   113        0 24602 1 0000000000000000 20 4 30 10 -1
            """;

        Assert.True(NetworkProbe.ListensIn(table, 11211));
        Assert.False(NetworkProbe.ListensIn(table, 11212));
    }

    [Fact]
    public void ListensIn_OnlyEstablishedOnPort_False()
    {
        var table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               1: 0100007F:2BCB 0100007F:D6E2 01 00000000:00000000 00:00000000 00000000   113        0 24602 1 0000000000000000 20 4 30 10 -1
            """;

        Assert.False(NetworkProbe.ListensIn(table, 11211));
    }

    [Fact]
    public void IsListening_ServerOnHostLoopback_TrueUntilClosed()
    {
        using var server = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        server.Start();
        var port = ((System.Net.IPEndPoint)server.LocalEndpoint).Port;

        Assert.True(NetworkProbe.IsListening(Environment.ProcessId, port));
        server.Stop();
        Assert.False(NetworkProbe.IsListening(Environment.ProcessId, port));
    }

    [Theory]
    [InlineData(100.0, 50.0, 100.0)]
    [InlineData(100.0, 100.0, 0.0)]
    [InlineData(100.0, 200.0, -50.0)]
    public void Slowdown_Throughputs_ExtraTimePerUnitOfWorkInPercent(double solo, double corun, double expected)
    {
        Assert.Equal(expected, InterferenceExperiment.Slowdown(solo, corun)!.Value, 6);
    }

    [Theory]
    [InlineData(null, 10.0)]
    [InlineData(10.0, null)]
    [InlineData(0.0, 10.0)]
    public void Slowdown_MissingOrZero_Null(double? solo, double? corun)
    {
        Assert.Null(InterferenceExperiment.Slowdown(solo, corun));
    }

    [Fact]
    public void CpuUsage_TwoReadings_BusyFractionBetweenThem()
    {
        var before = CpuUsage.Parse("cpu  100 0 100 700 100 0 0 0 0 0");
        var after = CpuUsage.Parse("cpu  200 0 200 800 100 0 0 0 0 0");

        Assert.Equal(200.0 / 300.0, after.BusySince(before)!.Value, 6);
    }

    [Theory]
    [InlineData("9:name=systemd:/;3:cpuset:/rf-4bce28bd/micro-0;0::/", "/rf-4bce28bd/micro-0")]
    [InlineData("0::/rf-12345678/micro-1", "/rf-12345678/micro-1")]
    [InlineData(null, "")]
    public void CpusetGroup_WorkerCgroupText_CpusetPath(string? cgroup, string expected)
    {
        Assert.Equal(expected, MicroExperiment.CpusetGroup(cgroup));
    }
}
