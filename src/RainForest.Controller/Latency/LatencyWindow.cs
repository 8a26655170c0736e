using HdrHistogram;

namespace RainForest.Controller.Latency;

/// <summary>The response times observed in one window: how many, and the percentiles a policy and a report need.</summary>
/// <param name="Start">When the window began, on the controller's clock.</param>
/// <param name="Length">How long it lasted.</param>
/// <param name="Count">Responses completed in it.</param>
/// <param name="P50">Median.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="P999">99.9th percentile.</param>
/// <param name="Tail">The value at the policy's SLO percentile (the figure a policy acts on).</param>
/// <param name="Errors">Requests that failed or timed out in the window (counted in the percentiles at their timeout).</param>
public sealed record LatencyWindow(TimeSpan Start, TimeSpan Length, long Count, TimeSpan P50, TimeSpan P99, TimeSpan P999, TimeSpan Tail, long Errors = 0)
{
    /// <summary>Resolution of the recorded values: microseconds.</summary>
    public const long TicksPerUnit = TimeSpan.TicksPerMicrosecond;

    /// <summary>The largest latency recorded (60 s); longer ones are recorded as this.</summary>
    public const long HighestMicroseconds = 60_000_000;

    /// <summary>Whether the window saw no response at all (no evidence either way).</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>A histogram of microseconds fit for <see cref="FromHistogram"/>: 1 µs to 60 s, three significant digits.</summary>
    public static LongHistogram CreateHistogram() => new(1, HighestMicroseconds, 3);

    /// <summary>Records <paramref name="latency"/> into a histogram made by <see cref="CreateHistogram"/>, clamped to its range.</summary>
    public static void Record(HistogramBase histogram, TimeSpan latency) =>
        histogram.RecordValue(Math.Clamp(latency.Ticks / TicksPerUnit, 1, HighestMicroseconds));

    /// <summary>Summarises a histogram of microseconds.</summary>
    /// <param name="histogram">Values in microseconds.</param>
    /// <param name="start">When the window began.</param>
    /// <param name="length">How long it lasted.</param>
    /// <param name="percentile">The SLO's percentile (99 for p99).</param>
    /// <param name="errors">Failed requests in the window.</param>
    public static LatencyWindow FromHistogram(HistogramBase histogram, TimeSpan start, TimeSpan length, double percentile, long errors = 0)
    {
        if (histogram.TotalCount == 0)
        {
            return new LatencyWindow(start, length, 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, errors);
        }

        return new LatencyWindow(start, length, histogram.TotalCount, At(50), At(99), At(99.9), At(percentile), errors);

        TimeSpan At(double p) => TimeSpan.FromTicks(histogram.GetValueAtPercentile(p) * TicksPerUnit);
    }
}
