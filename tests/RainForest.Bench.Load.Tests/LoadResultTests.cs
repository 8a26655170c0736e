using System.Text.Json;
using HdrHistogram;
using RainForest.Bench.Contracts;

namespace RainForest.Bench.Load.Tests;

public class LoadResultTests
{
    [Fact]
    public void GetCdf_SampleHistogram_IsMonotoneAndEndsAtOne()
    {
        var result = new LoadResult { Histogram = HistogramCodec.Encode(SampleHistogram()) };

        IReadOnlyList<CdfPoint> cdf = result.GetCdf();

        Assert.NotEmpty(cdf);
        for (int i = 1; i < cdf.Count; i++)
        {
            Assert.True(cdf[i].Value > cdf[i - 1].Value);
            Assert.True(cdf[i].Fraction > cdf[i - 1].Fraction);
        }

        Assert.Equal(1.0, cdf[^1].Fraction, 12);

        // 900 of 1000 values are 100 us; the rest 50 ms.
        CdfPoint knee = cdf.Last(p => p.Value < 1000);
        Assert.Equal(0.9, knee.Fraction, 12);
        Assert.InRange(knee.Value, 100, 100.1);
    }

    [Fact]
    public void CountAtOrAbove_SampleHistogram_CountsTheSlowOnes()
    {
        var result = new LoadResult { Histogram = HistogramCodec.Encode(SampleHistogram()) };

        Assert.Equal(100, result.CountAtOrAbove(TimeSpan.FromMilliseconds(10)));
        Assert.Equal(1000, result.CountAtOrAbove(TimeSpan.FromMicroseconds(50)));
        Assert.Equal(0, result.CountAtOrAbove(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void GetCdf_NoHistogram_IsEmpty()
    {
        Assert.Empty(new LoadResult().GetCdf());
    }

    [Fact]
    public void Serialize_SourceGeneratedContext_RoundTrips()
    {
        var result = new LoadResult
        {
            Options = new LoadOptions { Rate = 1234, Arrival = ArrivalProcess.Uniform, Warmup = TimeSpan.FromSeconds(1) },
            OfferedRate = 1234,
            Completed = 42,
            P99Us = 17.5,
            Duration = TimeSpan.FromSeconds(10),
            Histogram = HistogramCodec.Encode(SampleHistogram()),
        };
        var sweep = new SweepResult
        {
            Options = new SweepOptions { Rates = [1234] },
            Points = [new SweepPoint(1234, true, result)],
            KneeIndex = 0,
        };

        string json = JsonSerializer.Serialize(sweep, LoadJsonContext.Default.SweepResult);
        SweepResult? back = JsonSerializer.Deserialize(json, LoadJsonContext.Default.SweepResult);

        Assert.Contains("\"arrival\": \"Uniform\"", json, StringComparison.Ordinal);
        Assert.NotNull(back);
        LoadResult point = back.Points[0].Result;
        Assert.Equal(result with { Options = point.Options }, point);
        Assert.Equal(result.Options, point.Options);
        Assert.Equal(1234, back.KneeRate);
        Assert.Equal(result.GetCdf(), point.GetCdf());
    }

    private static LongHistogram SampleHistogram()
    {
        LongHistogram histogram = LatencyHistograms.Create(TimeSpan.FromSeconds(60));
        histogram.RecordValueWithCount(100_000, 900);
        histogram.RecordValueWithCount(50_000_000, 100);
        return histogram;
    }
}
