namespace RainForest.Bench.Load;

/// <summary>
/// The replies completed in one interval of a run (<see cref="LoadOptions.WindowInterval"/>), reported while the
/// run goes on: what a monitor of the service sees for that interval.
/// </summary>
/// <remarks>
/// A window holds the replies that <em>arrived</em> in it, each timed from its request's intended send time, so a
/// backlog shows as soon as its slow replies come in. Times are seconds after the warm-up.
/// </remarks>
public sealed record LoadWindow
{
    /// <summary>0 for the first window after the warm-up.</summary>
    public int Index { get; init; }

    /// <summary>Start of the window, seconds after the warm-up.</summary>
    public double StartSeconds { get; init; }

    /// <summary>End of the window, seconds after the warm-up.</summary>
    public double EndSeconds { get; init; }

    /// <summary>Requests the schedule meant to send in the window.</summary>
    public long Offered { get; init; }

    /// <summary>Non-error replies that arrived in the window.</summary>
    public long Completed { get; init; }

    /// <summary>Median latency of those replies, microseconds (0 when there were none).</summary>
    public double P50Us { get; init; }

    /// <summary>99th percentile, microseconds.</summary>
    public double P99Us { get; init; }

    /// <summary>99.9th percentile, microseconds.</summary>
    public double P999Us { get; init; }

    /// <summary>Largest latency, microseconds.</summary>
    public double MaxUs { get; init; }

    /// <summary>The window's latencies (<see cref="Contracts.HistogramCodec"/>, nanoseconds), so windows can be merged exactly.</summary>
    public string Histogram { get; init; } = "";
}
