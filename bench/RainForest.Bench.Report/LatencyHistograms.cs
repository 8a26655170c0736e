using HdrHistogram;
using RainForest.Bench.Contracts;

namespace RainForest.Bench.Report;

/// <summary>
/// HdrHistogram helpers for the harness: merge N workers into one distribution, and turn a histogram into a
/// <see cref="LatencySeries"/> with its CDF (<see cref="HistogramCodec"/> encodes and decodes them).
/// </summary>
public static class LatencyHistograms
{
    /// <summary>How many CDF points per halving of the remaining tail (as HdrHistogram's percentile output).</summary>
    public const int DefaultTicksPerHalfDistance = 5;

    /// <summary>
    /// Adds the histograms into one, as if every worker had recorded into it; the result tracks values up to
    /// the largest range among them.
    /// </summary>
    /// <exception cref="ArgumentException">No histograms were given.</exception>
    public static HistogramBase Merge(IEnumerable<HistogramBase> histograms)
    {
        ArgumentNullException.ThrowIfNull(histograms);
        var list = histograms.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("Nothing to merge.", nameof(histograms));
        }

        var highest = list.Max(h => h.HighestTrackableValue);
        var digits = list.Max(h => h.NumberOfSignificantValueDigits);
        var merged = new LongHistogram(1, highest, digits);
        foreach (var histogram in list)
        {
            merged.Add(histogram);
        }

        return merged;
    }

    /// <summary>Decodes and merges encoded histograms.</summary>
    public static HistogramBase Merge(IEnumerable<string> encoded) => Merge(encoded.Select(HistogramCodec.Decode));

    /// <summary>
    /// The cumulative distribution of <paramref name="histogram"/> in <paramref name="unit"/>: points spaced
    /// more densely towards the tail, so that p99.9 and the maximum are as visible as the median. Values and
    /// fractions never decrease; the last point is the maximum at fraction 1.
    /// </summary>
    public static IReadOnlyList<CdfPoint> Cdf(HistogramBase histogram, TimeUnit histogramUnit = TimeUnit.Nanoseconds,
        TimeUnit unit = TimeUnit.Microseconds, int ticksPerHalfDistance = DefaultTicksPerHalfDistance)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        List<CdfPoint> points = [];
        if (histogram.TotalCount == 0)
        {
            return points;
        }

        var total = (double)histogram.TotalCount;
        foreach (var step in histogram.Percentiles(ticksPerHalfDistance))
        {
            var value = TimeUnits.Convert(step.ValueIteratedTo, histogramUnit, unit);
            var fraction = Math.Min(1.0, step.TotalCountToThisValue / total);
            if (points.Count > 0)
            {
                var last = points[^1];
                if (fraction <= last.Fraction && value <= last.Value)
                {
                    continue;
                }

                // The iterator may revisit a bucket at a higher percentile level with the same count.
                fraction = Math.Max(fraction, last.Fraction);
                value = Math.Max(value, last.Value);
            }

            points.Add(new CdfPoint(value, fraction));
        }

        var max = TimeUnits.Convert(histogram.GetMaxValue(), histogramUnit, unit);
        if (points[^1].Fraction < 1 || points[^1].Value < max)
        {
            points.Add(new CdfPoint(Math.Max(max, points[^1].Value), 1));
        }

        return points;
    }

    /// <summary>
    /// A series summarising <paramref name="histogram"/>: percentiles from the histogram (to its precision),
    /// its CDF and, when <paramref name="keepHistogram"/>, the histogram itself.
    /// </summary>
    public static LatencySeries ToSeries(HistogramBase histogram, string system, string label, string? group = null,
        TimeUnit histogramUnit = TimeUnit.Nanoseconds, TimeUnit unit = TimeUnit.Microseconds, bool keepHistogram = true)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        double U(double v) => TimeUnits.Convert(v, histogramUnit, unit);
        var empty = histogram.TotalCount == 0;
        return new LatencySeries
        {
            System = system,
            Label = label,
            Group = group,
            Unit = unit,
            Count = histogram.TotalCount,
            Mean = empty ? 0 : U(histogram.GetMean()),
            StdDev = empty ? 0 : U(histogram.GetStdDeviation()),
            P50 = U(histogram.GetValueAtPercentile(50)),
            P90 = U(histogram.GetValueAtPercentile(90)),
            P99 = U(histogram.GetValueAtPercentile(99)),
            P999 = U(histogram.GetValueAtPercentile(99.9)),
            Max = U(histogram.GetMaxValue()),
            Cdf = Cdf(histogram, histogramUnit, unit),
            Histogram = keepHistogram ? HistogramCodec.Encode(histogram) : null,
            HistogramUnit = histogramUnit,
        };
    }

    /// <summary>
    /// One series for N workers that ran together: their histograms merged, throughput summed, mean and
    /// minimum exact (from the workers' own sums), percentiles from the merged histogram.
    /// </summary>
    /// <exception cref="ArgumentException">No workers were given.</exception>
    public static LatencySeries FromWorkers(IEnumerable<MicroResult> workers, string system, string label, string? group = null,
        TimeUnit unit = TimeUnit.Microseconds, bool keepHistogram = true)
    {
        ArgumentNullException.ThrowIfNull(workers);
        var list = workers.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("No worker results.", nameof(workers));
        }

        var merged = Merge(list.Select(w => w.Histogram));
        var ops = list.Sum(w => w.Ops);
        var series = ToSeries(merged, system, label, group, TimeUnit.Nanoseconds, unit, keepHistogram);
        return series with
        {
            Mean = ops > 0 ? TimeUnits.Convert(list.Sum(w => w.MeanNs * w.Ops) / ops, TimeUnit.Nanoseconds, unit) : 0,
            Min = TimeUnits.Convert(list.Where(w => w.Ops > 0).Select(w => (double)w.MinNs).DefaultIfEmpty(0).Min(), TimeUnit.Nanoseconds, unit),
            OpsPerSecond = list.Sum(w => w.OpsPerSecond),
            Workers = list.Count,
        };
    }
}
