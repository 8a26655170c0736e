using RainForest.Controller.Policies;
using RainForest.Core.Elastic;

namespace RainForest.Controller.Tests;

public class ThresholdPolicyTests
{
    private static readonly ThresholdPolicy s_policy = new(Windows.Spec(PolicyKind.Threshold));

    [Fact]
    public void Create_Defaults_AreThePapers()
    {
        var spec = Windows.Spec(PolicyKind.Threshold);
        Assert.Equal(TimeSpan.FromSeconds(10), spec.Window);
        Assert.Equal(TimeSpan.FromMilliseconds(5), spec.Upper);
        Assert.Equal(TimeSpan.FromMilliseconds(4), spec.Lower);
    }

    [Theory]
    [InlineData(5.1)]
    [InlineData(500)]
    public void Decide_AboveUt_MovesExactlyOneCpuToTaker(double tailMs)
    {
        var d = s_policy.Decide(Windows.At(10, tailMs), Windows.Alloc(2, 6));
        Assert.NotNull(d);
        Assert.Equal(1, d.Cpus);
        Assert.Null(d.Quota);
        Assert.Equal(0, d.MemoryBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(tailMs), d.Trigger);
        Assert.Contains("> ut 5ms", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_BelowLt_MovesExactlyOneCpuBack()
    {
        var d = s_policy.Decide(Windows.At(10, 0.2), Windows.Alloc(5, 3));
        Assert.NotNull(d);
        Assert.Equal(-1, d.Cpus);
        Assert.Contains("< lt 4ms", d.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4.0)]
    [InlineData(4.5)]
    [InlineData(5.0)]
    public void Decide_BetweenThresholds_DoesNothing(double tailMs) =>
        Assert.Null(s_policy.Decide(Windows.At(10, tailMs), Windows.Alloc(2, 6)));

    [Fact]
    public void Decide_EmptyWindow_DoesNothing() =>
        Assert.Null(s_policy.Decide(Windows.At(10, 0, count: 0), Windows.Alloc(2, 6)));

    [Fact]
    public void Decide_GuardRails_StopMoves()
    {
        var capped = new ThresholdPolicy(Windows.Spec(PolicyKind.Threshold, max: 4, floor: 2, min: 2));
        Assert.Null(capped.Decide(Windows.At(10, 50), Windows.Alloc(4, 6)));   // taker at its max
        Assert.Null(capped.Decide(Windows.At(10, 50), Windows.Alloc(3, 2)));   // donor at its floor
        Assert.Null(capped.Decide(Windows.At(10, 0.1), Windows.Alloc(2, 6)));  // taker at its min
        Assert.Equal(1, capped.Decide(Windows.At(10, 50), Windows.Alloc(3, 3))!.Cpus);
    }

    [Fact]
    public void Decide_DonorFloorZero_LendsTheLastCpu() =>
        Assert.Equal(1, s_policy.Decide(Windows.At(10, 50), Windows.Alloc(1, 1))!.Cpus);
}
