namespace RainForest.Controller;

/// <summary>
/// The CPUs a subOS used on average between two readings of its cumulative CPU time (its cgroup's counter): what a
/// policy weighs against the CPUs it owns before it gives one back (<see cref="ElasticObservation.TakerCpuUsed"/>).
/// </summary>
/// <remarks>Not thread-safe: one policy loop samples it, once per window.</remarks>
public sealed class CpuUseMeter
{
    private readonly TimeProvider _time;
    private double? _lastSeconds;
    private long _lastTimestamp;

    /// <summary>A meter whose spans are measured on <paramref name="time"/> (the system's clock when null).</summary>
    public CpuUseMeter(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>
    /// Takes <paramref name="seconds"/>, the subOS's CPU seconds read now (null where unreadable), and returns the CPUs
    /// it used since the previous reading; null on the first reading, and where either reading failed or the counter
    /// fell (a subOS made again under the same name).
    /// </summary>
    public double? Sample(double? seconds)
    {
        var now = _time.GetTimestamp();
        double? used = null;
        if (seconds is { } current && _lastSeconds is { } last && current >= last)
        {
            var elapsed = _time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
            used = elapsed > 0 ? (current - last) / elapsed : null;
        }

        _lastSeconds = seconds;
        _lastTimestamp = now;
        return used;
    }
}
