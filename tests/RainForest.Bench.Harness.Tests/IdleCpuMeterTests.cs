using Microsoft.Extensions.Time.Testing;
using RainForest.Bench.Harness.Elastic;

namespace RainForest.Bench.Harness.Tests;

/// <summary>The idle CPUs an idle-sharing batch sizes its jobs by: the LC's CPUs less the CPU time it used per second.</summary>
public sealed class IdleCpuMeterTests
{
    private readonly FakeTimeProvider _time = new();
    private double? _used;
    private int _cpus = 2;

    [Fact]
    public void WholeIdleCpus_BeforeTwoReads_NothingIsIdle()
    {
        _used = 0;
        var meter = Meter();

        Assert.Equal(0, meter.WholeIdleCpus());
    }

    [Fact]
    public void WholeIdleCpus_TwoCpusUsingHalfACpu_OneWholeCpuIsIdle()
    {
        _used = 0;
        var meter = Meter();
        meter.WholeIdleCpus();
        Advance(TimeSpan.FromSeconds(1), 0.5);

        Assert.Equal(1, meter.WholeIdleCpus());
    }

    [Fact]
    public void WholeIdleCpus_TwoCpusUsingMoreThanOne_NoWholeCpuIsIdle()
    {
        _used = 0;
        var meter = Meter();
        meter.WholeIdleCpus();
        Advance(TimeSpan.FromSeconds(1), 1.1);

        Assert.Equal(0, meter.WholeIdleCpus());
    }

    [Fact]
    public void WholeIdleCpus_ABurstOlderThanTheSpan_IsForgotten()
    {
        _used = 0;
        var meter = Meter();
        meter.WholeIdleCpus();

        // Two busy seconds, then calm ones: a second after the burst the estimate covers the calm second only.
        for (var i = 0; i < 10; i++)
        {
            Advance(TimeSpan.FromMilliseconds(200), 0.4);
            meter.WholeIdleCpus();
        }

        Assert.Equal(0, meter.WholeIdleCpus());
        for (var i = 0; i < 5; i++)
        {
            Advance(TimeSpan.FromMilliseconds(200), 0.02);
            meter.WholeIdleCpus();
        }

        Advance(TimeSpan.FromMilliseconds(200), 0.02);
        Assert.Equal(1, meter.WholeIdleCpus());
    }

    [Fact]
    public void WholeIdleCpus_ReadAgainWithinTheSpacing_KeepsTheLastEstimate()
    {
        _used = 0;
        var meter = Meter();
        meter.WholeIdleCpus();
        Advance(TimeSpan.FromSeconds(1), 0.2);
        Assert.Equal(1, meter.WholeIdleCpus());

        // 50 ms later (the spacing is 100 ms) the counter is not read: a full CPU used in between does not count yet.
        Advance(TimeSpan.FromMilliseconds(50), 1.0);
        Assert.Equal(1, meter.WholeIdleCpus());
    }

    [Fact]
    public void WholeIdleCpus_TheCounterFalls_StartsTheSpanAgain()
    {
        _used = 10;
        var meter = Meter();
        meter.WholeIdleCpus();
        Advance(TimeSpan.FromSeconds(1), 0.1);
        Assert.Equal(1, meter.WholeIdleCpus());

        // A process exited and took its CPU time along: no negative use, and nothing said until a new span has two reads.
        _used = 2;
        Advance(TimeSpan.FromSeconds(1), 0);
        Assert.Equal(0, meter.WholeIdleCpus());
        Advance(TimeSpan.FromSeconds(1), 0.1);
        Assert.Equal(1, meter.WholeIdleCpus());
    }

    [Fact]
    public void WholeIdleCpus_UnreadableOrGrown_FollowsTheSubOs()
    {
        _used = 0;
        var meter = Meter();
        meter.WholeIdleCpus();
        Advance(TimeSpan.FromSeconds(1), 0.5);
        _cpus = 4;
        Assert.Equal(3, meter.WholeIdleCpus());

        _used = null;
        Advance(TimeSpan.FromSeconds(1), 0);
        Assert.Equal(0, meter.WholeIdleCpus());
    }

    private IdleCpuMeter Meter() =>
        new(() => _used, () => _cpus, _time, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));

    private void Advance(TimeSpan by, double cpuSeconds)
    {
        _time.Advance(by);
        _used += cpuSeconds;
    }
}
