namespace RainForest.Bench.Report;

/// <summary>One summary statistic of a latency distribution.</summary>
public enum LatencyStat
{
    /// <summary>The mean.</summary>
    Mean,

    /// <summary>The median.</summary>
    P50,

    /// <summary>The 90th percentile.</summary>
    P90,

    /// <summary>The 99th percentile.</summary>
    P99,

    /// <summary>The 99.9th percentile.</summary>
    P999,

    /// <summary>The maximum.</summary>
    Max,
}
