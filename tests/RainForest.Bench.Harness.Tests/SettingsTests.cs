using RainForest.Bench.Harness.Colocate;
using RainForest.Bench.Harness.Interference;
using RainForest.Bench.Harness.Micro;
using RainForest.Bench.Report;
using RainForest.Core;

namespace RainForest.Bench.Harness.Tests;

/// <summary>The modes and overrides of each experiment, and the rejection of bad input.</summary>
public sealed class SettingsTests
{
    [Fact]
    public void MicroFor_Quick_DefaultOpsOneWorkerPerCpu()
    {
        var settings = MicroSettings.For(new BenchOptions { Mode = BenchMode.Quick }, 2);

        Assert.Equal(MicroSettings.DefaultOps, settings.Ops);
        Assert.Equal(2, settings.Workers);
        Assert.True(settings.Duration < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void MicroFor_UnknownOp_InvalidInput()
    {
        var e = Assert.Throws<RfException>(() => MicroSettings.For(new BenchOptions { Workloads = ["fork"] }, 2));

        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
    }

    [Fact]
    public void MicroFor_MoreWorkersThanCpus_InvalidInput()
    {
        Assert.Throws<RfException>(() => MicroSettings.For(new BenchOptions { Workers = 3 }, 2));
    }

    [Theory]
    [InlineData(BenchMode.Smoke, 1)]
    [InlineData(BenchMode.Quick, 2)]
    [InlineData(BenchMode.Full, 10)]
    public void InterferenceFor_Mode_WholeSecondsForStressNg(BenchMode mode, int seconds)
    {
        Assert.Equal(seconds, InterferenceSettings.For(new BenchOptions { Mode = mode }).Seconds);
    }

    [Fact]
    public void InterferenceFor_FractionalOverride_RoundedToAtLeastOneSecond()
    {
        // stress-ng reads --timeout 0 as "forever": a fraction must never reach it.
        Assert.Equal(1, InterferenceSettings.For(new BenchOptions { Duration = TimeSpan.FromSeconds(0.3) }).Seconds);
    }

    [Fact]
    public void InterferenceFor_Full_EveryStressor()
    {
        Assert.Equal(Stressor.All, InterferenceSettings.For(new BenchOptions()).Foregrounds);
    }

    [Fact]
    public void StressorParse_UnknownName_InvalidInput()
    {
        var e = Assert.Throws<RfException>(() => Stressor.Parse(["disk"]));

        Assert.Contains("cpu, cache, membw, fileio, net", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ColocateFor_Overrides_RateDurationAndBatches()
    {
        var settings = ColocateSettings.For(new BenchOptions { Mode = BenchMode.Quick, Rate = 1234, Duration = TimeSpan.FromSeconds(7), Workloads = ["net"] });

        Assert.Equal(1234, settings.Rate);
        Assert.Equal(TimeSpan.FromSeconds(7), settings.Duration);
        Assert.Equal([Stressor.Network], settings.Batches);
    }

    [Fact]
    public void ColocateFor_SweepRates_Ascending()
    {
        foreach (var mode in new[] { BenchMode.Smoke, BenchMode.Quick, BenchMode.Full })
        {
            var rates = ColocateSettings.For(new BenchOptions { Mode = mode }).SweepRates;
            Assert.Equal(rates.Order(), rates);
        }
    }

    [Fact]
    public void Requested_UnknownSystem_InvalidInput()
    {
        var e = Assert.Throws<RfException>(() => SystemSet.Requested(new BenchOptions { Systems = ["xen"] }));

        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
    }

    [Fact]
    public void Requested_AnyOrder_ReportOrder()
    {
        Assert.Equal([SystemNames.Linux, SystemNames.Cell], SystemSet.Requested(new BenchOptions { Systems = ["cell", "linux"] }));
    }

    [Fact]
    public async Task RunAsync_UnknownExperiment_InvalidInput()
    {
        var e = await Assert.ThrowsAsync<RfException>(() => BenchHarness.RunAsync("spark", new BenchOptions()));

        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
    }
}
