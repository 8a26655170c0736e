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
    public void IdleCpus_Whole_BeforeTwoReads_NothingIsIdle()
    {
        _used = 0;
        var meter = Meter();

        Assert.Equal(0, meter.IdleCpus(1));
    }

    [Fact]
    public void IdleCpus_Whole_TwoCpusUsingHalfACpu_OneWholeCpuIsIdle()
    {
        _used = 0;
        var meter = Meter();
        meter.IdleCpus(1);
        Advance(TimeSpan.FromSeconds(1), 0.5);

        Assert.Equal(1, meter.IdleCpus(1));
    }

    [Fact]
    public void IdleCpus_Whole_TwoCpusUsingMoreThanOne_NoWholeCpuIsIdle()
    {
        _used = 0;
        var meter = Meter();
        meter.IdleCpus(1);
        Advance(TimeSpan.FromSeconds(1), 1.1);

        Assert.Equal(0, meter.IdleCpus(1));
    }

    [Fact]
    public void IdleCpus_Whole_ABurstOlderThanTheSpan_IsForgotten()
    {
        _used = 0;
        var meter = Meter();
        meter.IdleCpus(1);

        // Two busy seconds, then calm ones: a second after the burst the estimate covers the calm second only.
        for (var i = 0; i < 10; i++)
        {
            Advance(TimeSpan.FromMilliseconds(200), 0.4);
            meter.IdleCpus(1);
        }

        Assert.Equal(0, meter.IdleCpus(1));
        for (var i = 0; i < 5; i++)
        {
            Advance(TimeSpan.FromMilliseconds(200), 0.02);
            meter.IdleCpus(1);
        }

        Advance(TimeSpan.FromMilliseconds(200), 0.02);
        Assert.Equal(1, meter.IdleCpus(1));
    }

    [Fact]
    public void IdleCpus_Whole_ReadAgainWithinTheSpacing_KeepsTheLastEstimate()
    {
        _used = 0;
        var meter = Meter();
        meter.IdleCpus(1);
        Advance(TimeSpan.FromSeconds(1), 0.2);
        Assert.Equal(1, meter.IdleCpus(1));

        // 50 ms later (the spacing is 100 ms) the counter is not read: a full CPU used in between does not count yet.
        Advance(TimeSpan.FromMilliseconds(50), 1.0);
        Assert.Equal(1, meter.IdleCpus(1));
    }

    [Fact]
    public void IdleCpus_Whole_TheCounterFalls_StartsTheSpanAgain()
    {
        _used = 10;
        var meter = Meter();
        meter.IdleCpus(1);
        Advance(TimeSpan.FromSeconds(1), 0.1);
        Assert.Equal(1, meter.IdleCpus(1));

        // A process exited and took its CPU time along: no negative use, and nothing said until a new span has two reads.
        _used = 2;
        Advance(TimeSpan.FromSeconds(1), 0);
        Assert.Equal(0, meter.IdleCpus(1));
        Advance(TimeSpan.FromSeconds(1), 0.1);
        Assert.Equal(1, meter.IdleCpus(1));
    }

    [Fact]
    public void IdleCpus_Whole_UnreadableOrGrown_FollowsTheSubOs()
    {
        _used = 0;
        var meter = Meter();
        meter.IdleCpus(1);
        Advance(TimeSpan.FromSeconds(1), 0.5);
        _cpus = 4;
        Assert.Equal(3, meter.IdleCpus(1));

        _used = null;
        Advance(TimeSpan.FromSeconds(1), 0);
        Assert.Equal(0, meter.IdleCpus(1));
    }

    [Theory]
    [InlineData(1, 0.25, 1)] // a quarter used of one CPU: three quarters idle count as a CPU
    [InlineData(1, 0.5, 1)] // exactly half idle still counts
    [InlineData(1, 0.6, 0)]
    [InlineData(2, 0.3, 2)] // 1.7 idle: rounded up
    [InlineData(2, 1.6, 0)] // 0.4 idle: rounded down
    public void IdleCpus_AtLeastHalfIdle_CountsEachCpuThatIsHalfIdle(int cpus, double used, int expected)
    {
        _used = 0;
        _cpus = cpus;
        var meter = Meter();
        meter.IdleCpus(CellAllocation.IdleJobShare);
        Advance(TimeSpan.FromSeconds(1), used);

        Assert.Equal(expected, meter.IdleCpus(CellAllocation.IdleJobShare));
    }

    [Fact]
    public void IdleCpus_HalfRuleBeforeTwoReads_NothingIsIdle()
    {
        _used = 0;
        var meter = Meter();

        Assert.Equal(0, meter.IdleCpus(CellAllocation.IdleJobShare));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    public void IdleCpus_ShareOutsideZeroToOne_Throws(double share) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Meter().IdleCpus(share));

    private IdleCpuMeter Meter() =>
        new(() => _used, () => _cpus, _time, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100));

    private void Advance(TimeSpan by, double cpuSeconds)
    {
        _time.Advance(by);
        _used += cpuSeconds;
    }
}
