namespace RainForest.Bench.Report;

/// <summary>Latency against offered load for one system, as in the paper's Fig. 8 and Fig. 12.</summary>
public sealed record LoadCurve
{
    /// <summary>The system measured.</summary>
    public required string System { get; init; }

    /// <summary>The plot this curve belongs to (the workload, say <c>memcached</c>); null for the default one.</summary>
    public string? Group { get; init; }

    /// <summary>The unit of the latencies.</summary>
    public TimeUnit Unit { get; init; } = TimeUnit.Milliseconds;

    /// <summary>The unit of the rates, such as <c>req/s</c>.</summary>
    public string RateUnit { get; init; } = "req/s";

    /// <summary>The load levels, in the order measured.</summary>
    public required IReadOnlyList<LoadPoint> Points { get; init; }

    /// <summary>
    /// The highest offered rate whose <paramref name="stat"/> latency stays within <paramref name="limit"/> at that
    /// rate and at every lower one: the paper's "maximum throughput" under a tail-latency limit. Null when even
    /// the lowest rate exceeds it.
    /// </summary>
    public double? MaxRateWithin(double limit, LatencyStat stat = LatencyStat.P99)
    {
        double? best = null;
        foreach (var point in Points.OrderBy(p => p.OfferedRate))
        {
            if (point.Get(stat) > limit)
            {
                break;
            }

            best = point.OfferedRate;
        }

        return best;
    }
}
