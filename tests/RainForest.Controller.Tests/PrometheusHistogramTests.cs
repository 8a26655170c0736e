using RainForest.Controller.Latency;

namespace RainForest.Controller.Tests;

public class PrometheusHistogramTests
{
    private const string Page = """
        # HELP req_seconds Request latency.
        # TYPE req_seconds histogram
        req_seconds_bucket{path="/a",le="0.001"} 10
        req_seconds_bucket{path="/a",le="0.005"} 90
        req_seconds_bucket{path="/a",le="0.01"} 99
        req_seconds_bucket{path="/a",le="+Inf"} 100
        req_seconds_bucket{le="0.001",path="/b \"quoted\", with comma"} 0
        req_seconds_bucket{le="0.005",path="/b \"quoted\", with comma"} 0
        req_seconds_bucket{le="0.01",path="/b \"quoted\", with comma"} 0
        req_seconds_bucket{le="+Inf",path="/b \"quoted\", with comma"} 0
        req_seconds_sum{path="/a"} 0.3
        req_seconds_count{path="/a"} 100
        req_seconds_total_other 5
        other_seconds_bucket{le="+Inf"} 7
        """;

    [Fact]
    public void Parse_SumsSeriesAndReadsBuckets()
    {
        var h = PrometheusHistogram.Parse(Page, "req_seconds");
        Assert.Equal([(0.001, 10.0), (0.005, 90.0), (0.01, 99.0), (double.PositiveInfinity, 100.0)], h.Buckets);
        Assert.Equal(100, h.Count);
        Assert.Equal(0.3, h.Sum);
    }

    [Fact]
    public void WindowSince_InterpolatesInsideBuckets()
    {
        var h = PrometheusHistogram.Parse(Page, "req_seconds");
        var w = h.WindowSince(null, TimeSpan.Zero, TimeSpan.FromSeconds(1), 99);

        // p50: rank 50 lies 40/80 of the way through (1 ms, 5 ms]: 3 ms. p99: rank 99 is the top of (5 ms, 10 ms].
        Assert.Equal(100, w.Count);
        Assert.Equal(3.0, w.P50.TotalMilliseconds, 6);
        Assert.Equal(10.0, w.P99.TotalMilliseconds, 6);
        Assert.Equal(w.P99, w.Tail);

        // p99.9 falls in the +Inf bucket: the last finite bound is all that is known.
        Assert.Equal(10.0, w.P999.TotalMilliseconds, 6);
    }

    [Fact]
    public void WindowSince_SubtractsThePreviousScrape_AndStartsAfresh_OnReset()
    {
        var before = PrometheusHistogram.Parse(Page, "req_seconds");
        var after = PrometheusHistogram.Parse(Page.Replace("} 100\n", "} 300\n", StringComparison.Ordinal).Replace("le=\"0.01\"} 99", "le=\"0.01\"} 299", StringComparison.Ordinal), "req_seconds");
        var w = after.WindowSince(before, TimeSpan.Zero, TimeSpan.FromSeconds(1), 99);
        Assert.Equal(200, w.Count);
        Assert.InRange(w.P50.TotalMilliseconds, 5, 10);

        var reset = before.WindowSince(after, TimeSpan.Zero, TimeSpan.FromSeconds(1), 99);
        Assert.Equal(100, reset.Count);
        Assert.True(before.WindowSince(before, TimeSpan.Zero, TimeSpan.FromSeconds(1), 99).IsEmpty);
    }

    [Theory]
    [InlineData("nothing here 1", "no histogram")]
    [InlineData("req_seconds_bucket{le=\"0.1\"} 1", "+Inf")]
    [InlineData("req_seconds_bucket{path=\"x\"} 1", "without le")]
    [InlineData("req_seconds_bucket{le=\"+Inf\"} many", "not a number")]
    [InlineData("req_seconds_bucket{le=\"+Inf\" 1", "unterminated")]
    public void Parse_BadPage_Throws(string page, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => PrometheusHistogram.Parse(page, "req_seconds"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
