namespace RainForest.Bench.Harness.Elastic;

/// <summary>
/// How many of a subOS's CPUs stood idle over the last span, from its CPU time: the CPUs it owns less the CPU time it
/// used per second. The batch side of an idle share runs one job per CPU this finds at least half idle
/// (<see cref="CellAllocation.BatchSlots"/>).
/// </summary>
/// <remarks>
/// Why not one job per CPU of the borrower's cpuset: an idle-class job only runs where the lender leaves time, but
/// while it is runnable on a CPU every wake-up of the lender there preempts it and finds the caches it left; on a CPU
/// the lender keeps busy such a job gains little and costs the lender at every request. Why not whole idle CPUs only
/// (the first rule): a service that uses a quarter of its one CPU leaves three quarters of it idle, and on the 2-CPU VM
/// a second idle-class job there did 41 to 59% more batch work than one job alone, at a p99 within the noise of a
/// static partition's (README, the agility experiment, "Rounds"). The CPU time is the subOS's own (its
/// processes'); host tasks on its CPUs are not counted.
/// </remarks>
internal sealed class IdleCpuMeter
{
    private readonly Func<double?> _cpuSeconds;
    private readonly Func<int> _cpus;
    private readonly TimeProvider _time;
    private readonly TimeSpan _span;
    private readonly TimeSpan _spacing;
    private readonly List<(long Timestamp, double CpuSeconds)> _samples = [];
    private double _idle;

    /// <summary>Follows a subOS through <paramref name="cpuSeconds"/> (its CPU time so far, null when unreadable) and <paramref name="cpus"/> (the CPUs it owns now).</summary>
    /// <param name="cpuSeconds">The subOS's CPU time so far.</param>
    /// <param name="cpus">The CPUs it owns now.</param>
    /// <param name="time">The clock.</param>
    /// <param name="span">How far back the estimate looks (a batch job lasts about a second: so does the span).</param>
    /// <param name="spacing">The least time between two reads of the CPU time.</param>
    public IdleCpuMeter(Func<double?> cpuSeconds, Func<int> cpus, TimeProvider time, TimeSpan span, TimeSpan spacing)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(span, TimeSpan.Zero);
        _cpuSeconds = cpuSeconds;
        _cpus = cpus;
        _time = time;
        _span = span;
        _spacing = spacing;
    }

    /// <summary>
    /// The CPUs that stood idle over the last span, read now (at most once per spacing), each counted once at least
    /// <paramref name="idleShare"/> of a CPU stood idle: the idle CPU time rounded down after adding
    /// 1 - <paramref name="idleShare"/> (1: whole idle CPUs only; 0.5: rounded to the nearest). Zero until two reads lie a
    /// spacing apart: until then nothing says the subOS leaves anything.
    /// </summary>
    /// <param name="idleShare">How much of a CPU must stand idle for it to count, above 0 and at most 1.</param>
    public int IdleCpus(double idleShare)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleShare, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(idleShare, 1);
        Sample();
        return (int)Math.Floor(_idle + (1 - idleShare) + 1e-9);
    }

    private void Sample()
    {
        var now = _time.GetTimestamp();
        if (_samples.Count > 0 && _time.GetElapsedTime(_samples[^1].Timestamp, now) < _spacing)
        {
            return;
        }

        if (_cpuSeconds() is not { } used)
        {
            // Its processes cannot be read (it is being destroyed): assume it idles on nothing.
            _samples.Clear();
            _idle = 0;
            return;
        }

        if (_samples.Count > 0 && used < _samples[^1].CpuSeconds)
        {
            // A process that exited took its CPU time along: the counter fell, so start the span again.
            _samples.Clear();
        }

        _samples.Add((now, used));

        // Keep the oldest sample at least a span old, so the estimate always covers a whole span once it can.
        while (_samples.Count > 2 && _time.GetElapsedTime(_samples[1].Timestamp, now) >= _span)
        {
            _samples.RemoveAt(0);
        }

        if (_samples.Count < 2)
        {
            _idle = 0;
            return;
        }

        var (oldestAt, oldest) = _samples[0];
        var busy = (used - oldest) / _time.GetElapsedTime(oldestAt, now).TotalSeconds;
        _idle = Math.Max(0, _cpus() - busy);
    }
}
