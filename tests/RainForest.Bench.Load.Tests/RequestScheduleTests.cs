namespace RainForest.Bench.Load.Tests;

public class RequestScheduleTests
{
    [Fact]
    public void Create_Poisson_GapsHaveMeanOneOverRateAndUnitCoefficientOfVariation()
    {
        var options = new LoadOptions { Rate = 10_000, Duration = TimeSpan.FromSeconds(10), Warmup = TimeSpan.Zero, Seed = 7 };

        RequestSchedule schedule = RequestSchedule.Create(options);
        (double mean, double cv) = GapStatistics(schedule.OffsetsNs);

        // About 100 000 gaps: the standard error of the mean is 0.3 %, of the CV about 0.5 %.
        Assert.InRange(schedule.Count, 98_000, 102_000);
        Assert.InRange(mean, 100_000 * 0.98, 100_000 * 1.02);
        Assert.InRange(cv, 0.97, 1.03);
    }

    [Fact]
    public void Create_Uniform_GapsAreConstant()
    {
        var options = new LoadOptions
        {
            Rate = 1_000,
            Duration = TimeSpan.FromSeconds(1),
            Warmup = TimeSpan.Zero,
            Arrival = ArrivalProcess.Uniform,
        };

        RequestSchedule schedule = RequestSchedule.Create(options);
        (double mean, double cv) = GapStatistics(schedule.OffsetsNs);

        Assert.InRange(schedule.Count, 999, 1000);
        Assert.InRange(mean, 999_999, 1_000_001);
        Assert.True(cv < 1e-5, $"CV {cv}");
    }

    [Fact]
    public void Create_SameSeed_SameSchedule()
    {
        var options = new LoadOptions { Rate = 5_000, Duration = TimeSpan.FromSeconds(1), Seed = 3 };

        RequestSchedule a = RequestSchedule.Create(options);
        RequestSchedule b = RequestSchedule.Create(options);
        RequestSchedule other = RequestSchedule.Create(options with { Seed = 4 });

        Assert.True(a.OffsetsNs.SequenceEqual(b.OffsetsNs));
        Assert.True(a.Keys.SequenceEqual(b.Keys));
        Assert.True(a.IsGet.SequenceEqual(b.IsGet));
        Assert.False(a.OffsetsNs.SequenceEqual(other.OffsetsNs));
    }

    [Fact]
    public void Create_GetRatioAndKeySpace_ContentsFollowThem()
    {
        var options = new LoadOptions { Rate = 50_000, Duration = TimeSpan.FromSeconds(1), GetRatio = 0.9, KeySpace = 1000 };

        RequestSchedule schedule = RequestSchedule.Create(options);
        int gets = 0;
        foreach (bool isGet in schedule.IsGet)
        {
            gets += isGet ? 1 : 0;
        }

        Assert.InRange((double)gets / schedule.Count, 0.89, 0.91);
        foreach (int key in schedule.Keys)
        {
            Assert.InRange(key, 0, 999);
        }
    }

    [Fact]
    public void Create_Warmup_FirstMeasuredIsFirstRequestAfterIt()
    {
        var options = new LoadOptions
        {
            Rate = 1_000,
            Duration = TimeSpan.FromSeconds(1),
            Warmup = TimeSpan.FromMilliseconds(300),
        };

        RequestSchedule schedule = RequestSchedule.Create(options);
        int first = (int)schedule.FirstMeasured;

        Assert.InRange(first, 200, 400);
        Assert.True(schedule.OffsetsNs[first - 1] < 300_000_000);
        Assert.True(schedule.OffsetsNs[first] >= 300_000_000);
        Assert.Equal(schedule.Count - first, schedule.MeasuredCount);
        Assert.True(schedule.OffsetsNs[^1] < 1_300_000_000);
    }

    private static (double Mean, double Cv) GapStatistics(ReadOnlySpan<long> offsets)
    {
        var gaps = new double[offsets.Length];
        long previous = 0;
        for (int i = 0; i < offsets.Length; i++)
        {
            gaps[i] = offsets[i] - previous;
            previous = offsets[i];
        }

        double mean = gaps.Average();
        double variance = gaps.Sum(g => (g - mean) * (g - mean)) / (gaps.Length - 1);
        return (mean, Math.Sqrt(variance) / mean);
    }
}
