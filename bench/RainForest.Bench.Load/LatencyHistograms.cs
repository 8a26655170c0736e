using HdrHistogram;

namespace RainForest.Bench.Load;

/// <summary>Creates the latency histograms of the generator (values in nanoseconds); <see cref="Contracts.HistogramCodec"/> encodes them.</summary>
internal static class LatencyHistograms
{
    /// <summary>Three significant digits: 0.1 % error at every scale, as wrk2 and mutilate use.</summary>
    public const int SignificantDigits = 3;

    /// <summary>A histogram from 1 ns up to <paramref name="highestTrackable"/>.</summary>
    public static LongHistogram Create(TimeSpan highestTrackable) =>
        new(1, Math.Max(2, ToNanoseconds(highestTrackable)), SignificantDigits);

    /// <summary>Nanoseconds in a time span.</summary>
    public static long ToNanoseconds(TimeSpan value) => value.Ticks * (1_000_000_000 / TimeSpan.TicksPerSecond);
}
