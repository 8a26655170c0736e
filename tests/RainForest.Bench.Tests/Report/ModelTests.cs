using RainForest.Bench.Report;

namespace RainForest.Bench.Tests.Report;

public class ModelTests
{
    private static LoadCurve Curve(params (double Rate, double P99)[] points) => new()
    {
        System = "cell",
        Points = [.. points.Select(p => new LoadPoint(p.Rate, p.Rate, p.P99 / 2, p.P99, p.P99 * 2))],
    };

    [Fact]
    public void MaxRateWithin_StopsAtTheFirstViolation()
    {
        var curve = Curve((300, 100), (500, 190), (400, 150), (600, 250), (700, 180));

        Assert.Equal(500, curve.MaxRateWithin(200));
        Assert.Null(curve.MaxRateWithin(50));
        Assert.Equal(700, curve.MaxRateWithin(1000));
    }

    [Fact]
    public void Matrix_Validate_WrongShape_Throws()
    {
        var matrix = new Matrix { Title = "m", RowLabels = ["a", "b"], ColumnLabels = ["x"], Values = [[1.0], [2.0, 3.0]] };

        Assert.Throws<InvalidDataException>(matrix.Validate);
    }

    [Fact]
    public void Matrix_Validate_NotFinite_Throws()
    {
        var matrix = new Matrix { Title = "m", RowLabels = ["a"], ColumnLabels = ["x"], Values = [[double.PositiveInfinity]] };

        Assert.Throws<InvalidDataException>(matrix.Validate);
    }

    [Fact]
    public void BarChart_FromLatencies_OneSeriesPerSystemWithGaps()
    {
        LatencySeries[] latencies =
        [
            new() { System = "linux", Label = "a", Group = "mmap", P99 = 1000, Unit = TimeUnit.Nanoseconds },
            new() { System = "cell", Label = "a", Group = "mmap", P99 = 2, Unit = TimeUnit.Microseconds },
            new() { System = "cell", Label = "b", Group = "open", P99 = 3, Unit = TimeUnit.Microseconds },
        ];

        var chart = BarChart.FromLatencies("p99", latencies, LatencyStat.P99, TimeUnit.Microseconds);

        Assert.Equal(["mmap", "open"], chart.Categories);
        Assert.Equal(["linux", "cell"], chart.Series.Select(s => s.Name));
        Assert.Equal([1.0, null], chart.Series[0].Values);
        Assert.Equal([2.0, 3.0], chart.Series[1].Values);
        Assert.Equal("p99 latency (µs)", chart.ValueAxis);
    }

    [Theory]
    [InlineData(1, TimeUnit.Seconds, TimeUnit.Milliseconds, 1000)]
    [InlineData(1500, TimeUnit.Nanoseconds, TimeUnit.Microseconds, 1.5)]
    [InlineData(2, TimeUnit.Milliseconds, TimeUnit.Milliseconds, 2)]
    public void TimeUnits_Convert(double value, TimeUnit from, TimeUnit to, double expected) =>
        Assert.Equal(expected, TimeUnits.Convert(value, from, to), 9);

    [Fact]
    public void BenchJson_RoundTrip_KeepsEveryPart()
    {
        var run = ReportWriterTests.SampleRun(new Random(5));

        var json = BenchJson.Serialize(run);
        var back = BenchJson.Deserialize(json);

        Assert.Contains("\"mode\": \"full\"", json, StringComparison.Ordinal);
        Assert.Contains("\"unit\": \"us\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("displayTitle", json, StringComparison.Ordinal);
        Assert.Equal(run.Machine, back.Machine);
        Assert.Equal(run.Notes, back.Notes);
        Assert.Equal(run.Systems, back.Systems);
        Assert.Equal(run.Latencies.Count, back.Latencies.Count);
        Assert.Equal(run.Latencies[0].Cdf, back.Latencies[0].Cdf);
        Assert.Equal(run.Matrices[0].Values.SelectMany(r => r), back.Matrices[0].Values.SelectMany(r => r));
        Assert.Equal(run.LoadCurves[0].Points, back.LoadCurves[0].Points);
        Assert.Equal(run.Rows, back.Rows);
        Assert.Equal(run.Parameters, back.Parameters);
        Assert.Equal(run.StartedUtc, back.StartedUtc);
        Assert.Equal(BenchMode.Full, back.Mode);
    }
}
