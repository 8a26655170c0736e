using RainForest.Core;
using RainForest.Core.Elastic;

namespace RainForest.Core.Tests.Elastic;

public class ElasticSpecTests
{
    [Theory]
    [InlineData("10s", 10_000_000)]
    [InlineData("500ms", 500_000)]
    [InlineData("1.5ms", 1_500)]
    [InlineData("250us", 250)]
    [InlineData("2m", 120_000_000)]
    [InlineData("1h", 3_600_000_000)]
    [InlineData("30d", 2_592_000_000_000)]
    public void DurationText_Parse_Units(string text, long microseconds)
    {
        Assert.True(DurationText.TryParse(text, out var d));
        Assert.Equal(microseconds, (long)d.TotalMicroseconds);
        Assert.Equal(d, DurationText.Parse(DurationText.Format(d), "--x"));
    }

    [Theory]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("-1s")]
    [InlineData("1e3ms")]
    [InlineData("10 parsecs")]
    [InlineData("")]
    public void DurationText_Parse_RefusesOthers(string text) => Assert.False(DurationText.TryParse(text, out _));

    [Theory]
    [InlineData("p99<=5ms", 99, 5_000)]
    [InlineData("p99.9<=20ms", 99.9, 20_000)]
    [InlineData("p50<=500us", 50, 500)]
    public void LatencySlo_Parse(string text, double percentile, long boundUs)
    {
        var slo = LatencySlo.Parse(text);
        Assert.Equal(percentile, slo.Percentile);
        Assert.Equal(boundUs, (long)slo.Bound.TotalMicroseconds);
        Assert.Equal(text, slo.ToString());
    }

    [Theory]
    [InlineData("p100<=5ms")]
    [InlineData("p0<=5ms")]
    [InlineData("99<=5ms")]
    [InlineData("p99<5ms")]
    [InlineData("p99<=0ms")]
    [InlineData("p99<=5")]
    public void LatencySlo_Parse_BadInput_ExitTwo(string text)
    {
        var e = Assert.Throws<RfException>(() => LatencySlo.Parse(text));
        Assert.Equal(2, e.ExitCode);
        Assert.StartsWith("--slo ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("memcached://web.rf:11211", ProbeKind.Memcached, "web.rf", 11211, "", "rf-probe")]
    [InlineData("memcached://web.rf/k1", ProbeKind.Memcached, "web.rf", 11211, "", "k1")]
    [InlineData("http://10.0.0.2:8080/health?x=1", ProbeKind.Http, "10.0.0.2", 8080, "/health?x=1", "")]
    [InlineData("http://web.rf/", ProbeKind.Http, "web.rf", 80, "/", "")]
    [InlineData("tcp://web.rf:6379", ProbeKind.Tcp, "web.rf", 6379, "", "")]
    [InlineData("prometheus://web.rf:9100/metrics?histogram=http_request_duration_seconds", ProbeKind.Prometheus, "web.rf", 9100, "/metrics", "http_request_duration_seconds")]
    public void ProbeSpec_Parse(string text, ProbeKind kind, string host, int port, string path, string key)
    {
        var probe = ProbeSpec.Parse(text);
        Assert.Equal(new ProbeSpec(kind, host, port, path, key), probe);
        Assert.Equal(probe, ProbeSpec.Parse(probe.ToString()));
    }

    [Theory]
    [InlineData("ftp://web.rf:21")]
    [InlineData("tcp://web.rf")]
    [InlineData("tcp://web.rf:80/path")]
    [InlineData("prometheus://web.rf:9100/metrics")]
    [InlineData("prometheus://web.rf:9100/metrics?histogram=a b")]
    [InlineData("memcached://web.rf/a%20b")]
    [InlineData("web.rf:11211")]
    [InlineData("http://user:pw@web.rf/")]
    public void ProbeSpec_Parse_BadInput_ExitTwo(string text)
    {
        var e = Assert.Throws<RfException>(() => ProbeSpec.Parse(text));
        Assert.Equal(2, e.ExitCode);
        Assert.StartsWith("--probe ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ElasticPolicySpec_Create_SlackDefaults()
    {
        var spec = ElasticPolicySpec.Create("lc", "batch", LatencySlo.Parse("p99<=5ms"), ProbeSpec.Parse("tcp://lc.rf:1"), PolicyKind.Slack);
        Assert.Equal(TimeSpan.FromMilliseconds(500), spec.Window);
        Assert.Equal(TimeSpan.Zero, spec.Upper);
        Assert.Equal(1, spec.MinCpus);
        Assert.Null(spec.MaxCpus);
        Assert.Equal(0, spec.DonorFloor);
    }

    [Fact]
    public void ElasticPolicySpec_Create_ThresholdWithUtOnly_LtIsEightTenths()
    {
        var spec = ElasticPolicySpec.Create("lc", "batch", LatencySlo.Parse("p99<=5ms"), ProbeSpec.Parse("tcp://lc.rf:1"), PolicyKind.Threshold, upper: TimeSpan.FromMilliseconds(200));
        Assert.Equal(TimeSpan.FromMilliseconds(160), spec.Lower);
    }

    public static TheoryData<string, Func<ElasticPolicySpec>> BadSpecs => new()
    {
        { "--donor", () => Make("lc", "lc", PolicyKind.Slack) },
        { "--lt", () => Make("lc", "batch", PolicyKind.Threshold, lower: 5, upper: 4) },
        { "--lt/--ut", () => Make("lc", "batch", PolicyKind.Slack, upper: 4) },
        { "--window", () => Make("lc", "batch", PolicyKind.Slack, window: TimeSpan.FromSeconds(2)) },
        { "--window", () => Make("lc", "batch", PolicyKind.Threshold, window: TimeSpan.FromMilliseconds(10)) },
        { "--min-cpus", () => Make("lc", "batch", PolicyKind.Slack, min: 0) },
        { "--max-cpus", () => Make("lc", "batch", PolicyKind.Slack, min: 3, max: 2) },
        { "--donor-floor", () => Make("lc", "batch", PolicyKind.Slack, floor: -1) },
        { "name", () => Make("LC", "batch", PolicyKind.Slack) },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void ElasticPolicySpec_Create_BadInput_ExitTwo(string expected, Func<ElasticPolicySpec> create)
    {
        var e = Assert.Throws<RfException>(() => create());
        Assert.Equal(2, e.ExitCode);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    private static ElasticPolicySpec Make(string taker, string donor, PolicyKind kind, double? lower = null, double? upper = null, TimeSpan? window = null, int? min = null, int? max = null, int? floor = null) =>
        ElasticPolicySpec.Create(taker, donor, LatencySlo.Parse("p99<=5ms"), ProbeSpec.Parse("tcp://lc.rf:1"), kind, window,
            lower is { } l ? TimeSpan.FromMilliseconds(l) : null, upper is { } u ? TimeSpan.FromMilliseconds(u) : null, min, max, floor);
}
