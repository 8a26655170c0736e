using System.Diagnostics;
using HdrHistogram;

namespace RainForest.Bench.Worker;

/// <summary>Collects per-op latencies in nanoseconds: an HdrHistogram plus an exact count, sum and extremes.</summary>
/// <remarks>
/// Stopwatch timestamps come from <c>clock_gettime(CLOCK_MONOTONIC)</c> through the vDSO; on Linux one tick is
/// one nanosecond, and the conversion below only matters on a platform where it is not. Recording allocates
/// nothing, so the measured loops never trigger a GC that would show up as a false tail.
/// </remarks>
internal sealed class LatencyRecorder
{
    /// <summary>The largest latency the histogram holds exactly, 100 s; longer ops are clamped to it.</summary>
    public const long HighestTrackableNs = 100_000_000_000;

    /// <summary>Three significant digits: a recorded value is within 0.1% of the true one.</summary>
    public const int SignificantDigits = 3;

    private static readonly bool s_ticksAreNanoseconds = Stopwatch.Frequency == 1_000_000_000;
    private static readonly double s_nanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    public LongHistogram Histogram { get; } = new(1, HighestTrackableNs, SignificantDigits);

    public long Count { get; private set; }

    public double SumNs { get; private set; }

    public long MinNs { get; private set; } = long.MaxValue;

    public long MaxNs { get; private set; }

    /// <summary>Ops longer than <see cref="HighestTrackableNs"/>, recorded at that value.</summary>
    public long Clamped { get; private set; }

    public static long TicksToNanoseconds(long ticks) =>
        s_ticksAreNanoseconds ? ticks : (long)(ticks * s_nanosecondsPerTick);

    /// <summary>Records one op that ran from <paramref name="startTicks"/> to <paramref name="endTicks"/>.</summary>
    public void Record(long startTicks, long endTicks)
    {
        var ns = TicksToNanoseconds(endTicks - startTicks);
        if (ns < 0)
        {
            ns = 0;
        }

        Count++;
        SumNs += ns;
        if (ns < MinNs)
        {
            MinNs = ns;
        }

        if (ns > MaxNs)
        {
            MaxNs = ns;
        }

        if (ns > HighestTrackableNs)
        {
            Clamped++;
            ns = HighestTrackableNs;
        }

        Histogram.RecordValue(ns);
    }

    /// <summary>The median cost of reading the clock twice back to back, which every recorded op includes.</summary>
    public static double MeasureTimerOverheadNs(int samples = 10_001)
    {
        var deltas = new long[samples];
        for (var i = 0; i < samples; i++)
        {
            var a = Stopwatch.GetTimestamp();
            var b = Stopwatch.GetTimestamp();
            deltas[i] = b - a;
        }

        Array.Sort(deltas);
        return TicksToNanoseconds(deltas[samples / 2]);
    }
}
