using HdrHistogram;
using RainForest.Bench.Contracts;
using RainForest.Bench.Report;

namespace RainForest.Bench.Tests.Report;

public class LatencyHistogramsTests
{
    private static LongHistogram Random(int seed, int count, int low, int high)
    {
        var random = new Random(seed);
        var histogram = new LongHistogram(1, 100_000_000_000, 3);
        for (var i = 0; i < count; i++)
        {
            histogram.RecordValue(random.Next(low, high));
        }

        return histogram;
    }

    [Fact]
    public void Merge_ThreeWorkers_EqualsRecordingEverythingInOne()
    {
        int[] seeds = [1, 2, 3];
        var all = new LongHistogram(1, 100_000_000_000, 3);
        List<string> encoded = [];
        foreach (var seed in seeds)
        {
            var h = Random(seed, 10_000, 1_000, 1_000_000 * seed);
            all.Add(h);
            encoded.Add(HistogramCodec.Encode(h));
        }

        var merged = LatencyHistograms.Merge(encoded);

        Assert.Equal(30_000, merged.TotalCount);
        foreach (var percentile in new[] { 50.0, 90, 99, 99.9, 100 })
        {
            Assert.Equal(all.GetValueAtPercentile(percentile), merged.GetValueAtPercentile(percentile));
        }
    }

    [Fact]
    public void FromWorkers_ThreeWorkers_SumsThroughputAndWeighsTheMean()
    {
        var workers = new[] { (Seed: 7, Count: 1000, Mean: 2000.0), (Seed: 8, Count: 3000, Mean: 6000.0) }
            .Select(w => new MicroResult
            {
                Op = "mmap",
                Ops = w.Count,
                OpsPerSecond = w.Count * 10,
                MeanNs = w.Mean,
                MinNs = w.Seed * 100,
                AllowedCpus = "0",
                Hostname = "test",
                Histogram = HistogramCodec.Encode(Random(w.Seed, w.Count, 100, 10_000)),
            })
            .ToList();

        var series = LatencyHistograms.FromWorkers(workers, "cell", "mmap, 2 workers", "mmap", TimeUnit.Microseconds);

        Assert.Equal(4000, series.Count);
        Assert.Equal(2, series.Workers);
        Assert.Equal(40_000, series.OpsPerSecond);
        Assert.Equal((1000 * 2.0 + 3000 * 6.0) / 4000, series.Mean, 9);
        Assert.Equal(0.7, series.Min);
        Assert.Equal(TimeUnit.Microseconds, series.Unit);
        Assert.True(series.P50 <= series.P99 && series.P99 <= series.Max);
        Assert.Equal(4000, HistogramCodec.Decode(series.Histogram!).TotalCount);
    }

    [Fact]
    public void Cdf_RandomHistogram_IsMonotonicAndEndsAtTheMaximum()
    {
        var histogram = Random(42, 50_000, 500, 5_000_000);

        var cdf = LatencyHistograms.Cdf(histogram, TimeUnit.Nanoseconds, TimeUnit.Microseconds);

        Assert.True(cdf.Count > 10);
        for (var i = 1; i < cdf.Count; i++)
        {
            Assert.True(cdf[i].Value >= cdf[i - 1].Value, $"value falls at {i}");
            Assert.True(cdf[i].Fraction >= cdf[i - 1].Fraction, $"fraction falls at {i}");
        }

        Assert.InRange(cdf[0].Fraction, 0, 1);
        Assert.Equal(1, cdf[^1].Fraction);
        Assert.Equal(histogram.GetMaxValue() / 1000.0, cdf[^1].Value, 9);
    }

    [Fact]
    public void Cdf_EmptyHistogram_IsEmpty() =>
        Assert.Empty(LatencyHistograms.Cdf(new LongHistogram(1, 1000, 3)));

    [Fact]
    public void ToSeries_ConvertsUnits()
    {
        var histogram = new LongHistogram(1, 100_000_000_000, 3);
        histogram.RecordValueWithCount(2_000_000, 99);
        histogram.RecordValue(50_000_000);

        var series = LatencyHistograms.ToSeries(histogram, "linux", "one", unit: TimeUnit.Milliseconds);

        Assert.Equal(100, series.Count);
        Assert.Equal(2, series.P50, 2);
        Assert.Equal(50, series.Max, 1);
    }

    [Fact]
    public void CdfOrApproximation_PercentilesOnly_StepsThroughThem()
    {
        var series = new LatencySeries { System = "lxc", Label = "x", P50 = 1, P90 = 2, P99 = 3, P999 = 4, Max = 5, Mean = 1.5 };

        var cdf = series.CdfOrApproximation();

        Assert.Equal([0.5, 0.9, 0.99, 0.999, 1.0], cdf.Select(p => p.Fraction));
        Assert.Equal([1.0, 2, 3, 4, 5], cdf.Select(p => p.Value));
    }
}
