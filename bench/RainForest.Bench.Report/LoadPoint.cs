namespace RainForest.Bench.Report;

/// <summary>One load level of a <see cref="LoadCurve"/>.</summary>
/// <param name="OfferedRate">Requests per second sent.</param>
/// <param name="AchievedRate">Requests per second answered.</param>
/// <param name="P50">Median latency, in the curve's unit.</param>
/// <param name="P99">99th percentile latency, in the curve's unit.</param>
/// <param name="P999">99.9th percentile latency, in the curve's unit.</param>
/// <param name="CpuUtilization">Share of the system's CPUs busy, 0 to 1, if measured.</param>
public readonly record struct LoadPoint(double OfferedRate, double AchievedRate, double P50, double P99, double P999, double? CpuUtilization = null)
{
    /// <summary>The latency of <paramref name="stat"/>; only P50, P99 and P999 are kept per load level.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Another statistic.</exception>
    public double Get(LatencyStat stat) => stat switch
    {
        LatencyStat.P50 => P50,
        LatencyStat.P99 => P99,
        LatencyStat.P999 => P999,
        _ => throw new ArgumentOutOfRangeException(nameof(stat), stat, "A load point keeps p50, p99 and p99.9."),
    };
}
