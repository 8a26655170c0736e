using HdrHistogram;
using HdrHistogram.Iteration;
using RainForest.Bench.Contracts;

namespace RainForest.Bench.Load;

/// <summary>
/// What one open-loop run measured. Every count and latency covers the measured part of the run
/// only (requests intended after the warm-up).
/// </summary>
/// <remarks>
/// Latency is completion time minus the <em>intended</em> send time, so time a request spent
/// waiting behind a stalled server or a late sender is in it (no coordinated omission). The
/// percentiles cover requests that got a non-error reply; errors and timeouts are counted, not
/// timed. Serialise with System.Text.Json (<see cref="LoadJsonContext"/> for trimmed or AOT builds).
/// </remarks>
public sealed record LoadResult
{
    /// <summary>The options of the run.</summary>
    public LoadOptions Options { get; init; } = new();

    /// <summary>Offered load in requests per second (the option, not the realised Poisson count).</summary>
    public double OfferedRate { get; init; }

    /// <summary>Completed requests per second: <see cref="Completed"/> over <see cref="Elapsed"/>.</summary>
    public double Throughput { get; init; }

    /// <summary>Requests per second completed within <see cref="LoadOptions.GoodputLatencyLimit"/>, over <see cref="Elapsed"/>.</summary>
    public double Goodput { get; init; }

    /// <summary>The measured window: the options' duration.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>
    /// From the start of the measured window to the last measured completion, and never less than
    /// <see cref="Duration"/>; longer when responses trail behind the last send.
    /// </summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Requests the schedule held for the measured window.</summary>
    public long Scheduled { get; init; }

    /// <summary>Measured requests written to a connection.</summary>
    public long Sent { get; init; }

    /// <summary>Measured requests that got a non-error reply (<see cref="Hits"/> + <see cref="Misses"/> + <see cref="Stores"/>).</summary>
    public long Completed { get; init; }

    /// <summary>Gets that found their key.</summary>
    public long Hits { get; init; }

    /// <summary>Gets that did not find their key.</summary>
    public long Misses { get; init; }

    /// <summary>Sets that got a non-error reply (<c>STORED</c>, or <c>NOT_STORED</c>/<c>EXISTS</c>/<c>NOT_FOUND</c>).</summary>
    public long Stores { get; init; }

    /// <summary>
    /// Requests answered with <c>ERROR</c>, <c>CLIENT_ERROR</c> or <c>SERVER_ERROR</c>, and requests
    /// lost with a connection that failed (closed, reset, or sent a reply that fits no request),
    /// including those scheduled on it after it failed.
    /// </summary>
    public long Errors { get; init; }

    /// <summary>Requests without a reply when the run ended, <see cref="Unsent"/> included.</summary>
    public long Timeouts { get; init; }

    /// <summary>
    /// Requests for working connections that the sender had not written when the run ended (it fell
    /// behind by more than the drain timeout).
    /// </summary>
    public long Unsent { get; init; }

    /// <summary>Mean latency in microseconds.</summary>
    public double MeanUs { get; init; }

    /// <summary>Smallest latency in microseconds.</summary>
    public double MinUs { get; init; }

    /// <summary>Median latency in microseconds.</summary>
    public double P50Us { get; init; }

    /// <summary>90th percentile latency in microseconds.</summary>
    public double P90Us { get; init; }

    /// <summary>99th percentile latency in microseconds.</summary>
    public double P99Us { get; init; }

    /// <summary>99.9th percentile latency in microseconds.</summary>
    public double P999Us { get; init; }

    /// <summary>Largest latency in microseconds.</summary>
    public double MaxUs { get; init; }

    /// <summary>
    /// 99th percentile of how late the sender wrote requests after their intended time, in
    /// microseconds. Large values mean the generator, not the server, was the bottleneck.
    /// </summary>
    public double SendLagP99Us { get; init; }

    /// <summary>Largest send lag in microseconds.</summary>
    public double SendLagMaxUs { get; init; }

    /// <summary>
    /// CPU seconds this process used from the start of the run (after the preload) to its end: in rf-loadgen, what the
    /// generator took from the machine it shares with the server it measures.
    /// </summary>
    public double GeneratorCpuSeconds { get; init; }

    /// <summary>The same over the run's wall-clock time: the CPUs the generator used on average.</summary>
    public double GeneratorCpus { get; init; }

    /// <summary>Keys stored by the preload (<see cref="LoadOptions.PreloadFraction"/>) before the run.</summary>
    public long PreloadedKeys { get; init; }

    /// <summary>
    /// The full latency histogram (<see cref="HistogramCodec"/>), values in nanoseconds, three
    /// significant digits. Read it with <see cref="DecodeHistogram"/> or any
    /// HdrHistogram implementation.
    /// </summary>
    public string Histogram { get; init; } = "";

    /// <summary>Decodes <see cref="Histogram"/> (values in nanoseconds).</summary>
    public HistogramBase DecodeHistogram() =>
        string.IsNullOrEmpty(Histogram) ? LatencyHistograms.Create(TimeSpan.FromSeconds(1)) : HistogramCodec.Decode(Histogram);

    /// <summary>
    /// The latency distribution as a step CDF for plotting: one point per recorded histogram bucket,
    /// latency (the top of the bucket) in microseconds ascending, the last fraction 1. Empty when nothing completed.
    /// </summary>
    public IReadOnlyList<CdfPoint> GetCdf()
    {
        HistogramBase histogram = DecodeHistogram();
        long total = histogram.TotalCount;
        var points = new List<CdfPoint>();
        if (total == 0)
        {
            return points;
        }

        foreach (HistogramIterationValue value in histogram.RecordedValues())
        {
            double latencyUs = histogram.HighestEquivalentValue(value.ValueIteratedTo) / 1000.0;
            points.Add(new CdfPoint(latencyUs, (double)value.TotalCountToThisValue / total));
        }

        return points;
    }

    /// <summary>Number of timed requests whose latency was at least <paramref name="latency"/> (to the histogram's resolution).</summary>
    public long CountAtOrAbove(TimeSpan latency)
    {
        HistogramBase histogram = DecodeHistogram();
        long threshold = LatencyHistograms.ToNanoseconds(latency);
        long count = 0;
        foreach (HistogramIterationValue value in histogram.RecordedValues())
        {
            if (histogram.HighestEquivalentValue(value.ValueIteratedTo) >= threshold)
            {
                count += value.CountAtValueIteratedTo;
            }
        }

        return count;
    }
}
