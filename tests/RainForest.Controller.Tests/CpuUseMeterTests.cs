using Microsoft.Extensions.Time.Testing;

namespace RainForest.Controller.Tests;

public class CpuUseMeterTests
{
    [Fact]
    public void Sample_CpuSecondsOverTheSpan_IsTheCpusUsed()
    {
        var time = new FakeTimeProvider();
        var meter = new CpuUseMeter(time);
        Assert.Null(meter.Sample(10));

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0.75, meter.Sample(11.5)!.Value, 9);

        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(2.0, meter.Sample(12.5)!.Value, 9);
    }

    [Fact]
    public void Sample_UnreadableOrFallingCounter_IsNullAndStartsAgain()
    {
        var time = new FakeTimeProvider();
        var meter = new CpuUseMeter(time);
        meter.Sample(10);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(meter.Sample(null));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(meter.Sample(12));

        // A subOS made again under the same name: its counter starts from zero.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(meter.Sample(0.5));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0.25, meter.Sample(0.75)!.Value, 9);
    }

    [Fact]
    public void Sample_NoTimePassed_IsNull()
    {
        var time = new FakeTimeProvider();
        var meter = new CpuUseMeter(time);
        meter.Sample(1);
        Assert.Null(meter.Sample(2));
    }
}
