using System.Diagnostics;

namespace RainForest.Bench.Load;

/// <summary>Nanoseconds since the start of a run, read from <see cref="Stopwatch.GetTimestamp"/>.</summary>
internal sealed class RunClock
{
    private static readonly double s_nanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private long _startTicks;

    /// <summary>Makes now the start of the run.</summary>
    public void Start() => _startTicks = Stopwatch.GetTimestamp();

    /// <summary>Nanoseconds from the start to <paramref name="timestamp"/>, a <see cref="Stopwatch.GetTimestamp"/> value.</summary>
    public long ToRunNanoseconds(long timestamp) => (long)((timestamp - _startTicks) * s_nanosecondsPerTick);

    /// <summary>Nanoseconds from the start to now.</summary>
    public long NowNs() => ToRunNanoseconds(Stopwatch.GetTimestamp());
}
