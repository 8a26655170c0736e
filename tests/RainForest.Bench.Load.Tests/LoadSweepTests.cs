namespace RainForest.Bench.Load.Tests;

public class LoadSweepTests
{
    private static readonly SweepOptions s_sweep = new() { Rates = [1000], P99LimitUs = 1000 };

    [Fact]
    public void FindKnee_TailCrossesLimit_ReturnsLastRateBelowIt()
    {
        LoadResult[] results = [Healthy(1000, 100), Healthy(2000, 200), Healthy(3000, 900), Healthy(4000, 1500), Healthy(5000, 3000)];

        Assert.Equal(2, LoadSweep.FindKnee(results, s_sweep));
    }

    [Fact]
    public void FindKnee_ThroughputFallsBehindOffer_StopsThere()
    {
        LoadResult[] results =
        [
            Healthy(1000, 100),
            Healthy(2000, 100) with { Throughput = 1950 },
            Healthy(3000, 100) with { Throughput = 2500 },
        ];

        Assert.Equal(1, LoadSweep.FindKnee(results, s_sweep));
    }

    [Fact]
    public void FindKnee_TooManyTimeouts_Fails()
    {
        LoadResult[] results = [Healthy(1000, 100), Healthy(2000, 100) with { Timeouts = 500 }];

        Assert.Equal(0, LoadSweep.FindKnee(results, s_sweep));
    }

    [Fact]
    public void FindKnee_LowestRateFails_ReturnsMinusOne()
    {
        LoadResult[] results = [Healthy(1000, 5000), Healthy(2000, 100)];

        Assert.Equal(-1, LoadSweep.FindKnee(results, s_sweep));
    }

    [Fact]
    public void FindKnee_PassAgainAfterFailure_KneeIsFirstBreak()
    {
        LoadResult[] results = [Healthy(1000, 100), Healthy(2000, 1200), Healthy(3000, 800)];

        Assert.Equal(0, LoadSweep.FindKnee(results, s_sweep));
    }

    [Fact]
    public void FindKnee_NothingCompleted_Fails()
    {
        LoadResult[] results = [Healthy(1000, 100) with { Completed = 0, Throughput = 0, P99Us = 0 }];

        Assert.Equal(-1, LoadSweep.FindKnee(results, s_sweep));
    }

    [Fact]
    public async Task RunAsync_UnsortedRates_RunsAscendingAndStopsPastKnee()
    {
        var sweep = new SweepOptions { Rates = [3000, 1000, 6000, 2000, 5000, 4000], P99LimitUs = 1600, RatesPastKnee = 1 };
        var runs = new List<LoadOptions>();

        // A server whose p99 in microseconds is half the rate: 1000..3000 meet 1600 us, 4000 does not.
        SweepResult result = await LoadSweep.RunAsync(
            new LoadOptions { PreloadFraction = 0.5 },
            sweep,
            (options, _, _) =>
            {
                runs.Add(options);
                return Task.FromResult(Healthy(options.Rate, options.Rate / 2));
            },
            progress: null,
            CancellationToken.None);

        Assert.Equal([1000.0, 2000, 3000, 4000, 5000], runs.Select(o => o.Rate));
        Assert.Equal([0.5, 0, 0, 0, 0], runs.Select(o => o.PreloadFraction));
        Assert.Equal([true, true, true, false, false], result.Points.Select(p => p.MeetsServiceLevel));
        Assert.Equal(2, result.KneeIndex);
        Assert.Equal(3000, result.KneeRate);
        Assert.False(result.KneeAboveRange);
    }

    [Fact]
    public async Task RunAsync_EveryRateMeets_KneeIsAboveRange()
    {
        var sweep = new SweepOptions { Rates = [1000, 2000], P99LimitUs = 1000 };

        SweepResult result = await LoadSweep.RunAsync(
            new LoadOptions(), sweep, (o, _, _) => Task.FromResult(Healthy(o.Rate, 10)), null, CancellationToken.None);

        Assert.Equal(1, result.KneeIndex);
        Assert.True(result.KneeAboveRange);
    }

    private static LoadResult Healthy(double rate, double p99Us) => new()
    {
        OfferedRate = rate,
        Throughput = rate,
        Scheduled = (long)rate * 10,
        Completed = (long)rate * 10,
        P99Us = p99Us,
    };
}
