using RainForest.Bench.Contracts;

namespace RainForest.Bench.Report;

/// <summary>
/// One latency distribution measured on one system: summary percentiles, and optionally the CDF and the
/// HdrHistogram it came from. Series that share a <see cref="Group"/> are drawn in one plot.
/// </summary>
public sealed record LatencySeries
{
    /// <summary>The system measured, such as <c>linux</c>, <c>cell</c> or <c>lxc</c>.</summary>
    public required string System { get; init; }

    /// <summary>What was measured, such as <c>mmap, 2 workers</c>; one line of a table.</summary>
    public required string Label { get; init; }

    /// <summary>The plot this series belongs to (the benchmark or scenario, say <c>mmap</c>); null puts it with the other ungrouped series.</summary>
    public string? Group { get; init; }

    /// <summary>The unit of every latency in this series (percentiles and CDF values).</summary>
    public TimeUnit Unit { get; init; } = TimeUnit.Microseconds;

    /// <summary>How many samples the distribution holds.</summary>
    public long Count { get; init; }

    /// <summary>The mean.</summary>
    public double Mean { get; init; }

    /// <summary>The median.</summary>
    public double P50 { get; init; }

    /// <summary>The 90th percentile.</summary>
    public double P90 { get; init; }

    /// <summary>The 99th percentile.</summary>
    public double P99 { get; init; }

    /// <summary>The 99.9th percentile.</summary>
    public double P999 { get; init; }

    /// <summary>The maximum.</summary>
    public double Max { get; init; }

    /// <summary>The minimum, if known.</summary>
    public double? Min { get; init; }

    /// <summary>The standard deviation, if known.</summary>
    public double? StdDev { get; init; }

    /// <summary>Throughput in operations per second across all workers, if measured.</summary>
    public double? OpsPerSecond { get; init; }

    /// <summary>How many worker processes contributed, if more than one ran.</summary>
    public int? Workers { get; init; }

    /// <summary>The cumulative distribution, values ascending; null when only percentiles are known.</summary>
    public IReadOnlyList<CdfPoint>? Cdf { get; init; }

    /// <summary>The HdrHistogram (V2 compressed, base64) the series was computed from, or null.</summary>
    public string? Histogram { get; init; }

    /// <summary>The unit of the values recorded in <see cref="Histogram"/>.</summary>
    public TimeUnit HistogramUnit { get; init; } = TimeUnit.Nanoseconds;

    /// <summary>The value of <paramref name="stat"/>.</summary>
    public double Get(LatencyStat stat) => stat switch
    {
        LatencyStat.Mean => Mean,
        LatencyStat.P50 => P50,
        LatencyStat.P90 => P90,
        LatencyStat.P99 => P99,
        LatencyStat.P999 => P999,
        LatencyStat.Max => Max,
        _ => throw new ArgumentOutOfRangeException(nameof(stat), stat, "Unknown statistic."),
    };

    /// <summary>
    /// The CDF to draw: <see cref="Cdf"/> when present, else one computed from <see cref="Histogram"/>, else
    /// a step curve through the known percentiles (coarse, but honest about what was kept).
    /// </summary>
    public IReadOnlyList<CdfPoint> CdfOrApproximation()
    {
        if (Cdf is { Count: > 0 })
        {
            return Cdf;
        }

        if (Histogram is not null)
        {
            return LatencyHistograms.Cdf(HistogramCodec.Decode(Histogram), HistogramUnit, Unit);
        }

        List<CdfPoint> points = [];
        if (Min is { } min)
        {
            points.Add(new CdfPoint(min, 0));
        }

        points.Add(new CdfPoint(P50, 0.5));
        points.Add(new CdfPoint(P90, 0.9));
        points.Add(new CdfPoint(P99, 0.99));
        points.Add(new CdfPoint(P999, 0.999));
        points.Add(new CdfPoint(Max, 1));
        return points;
    }
}
