using RainForest.Controller.Model;
using RainForest.Core;

namespace RainForest.Controller.Tests;

public class RateTraceTests
{
    [Fact]
    public void Parse_InterpolatesLinearly()
    {
        var trace = RateTrace.Parse("seconds,requests_per_second\n# a comment\n0,100\n10,200\n\n20,0\n");
        Assert.Equal(TimeSpan.FromSeconds(20), trace.Duration);
        Assert.Equal(100, trace.RateAt(0));
        Assert.Equal(150, trace.RateAt(5));
        Assert.Equal(200, trace.RateAt(10));
        Assert.Equal(100, trace.RateAt(15));
        Assert.Equal(0, trace.RateAt(25));
        Assert.Equal(200, trace.MaxRate);
        Assert.Equal(125, trace.MeanRate);
    }

    [Theory]
    [InlineData("0,100", "at least two points")]
    [InlineData("1,100\n2,100", "start at 0")]
    [InlineData("0,100\n5,100\n5,200", ":3:")]
    [InlineData("0,100\n5,-1", ":2:")]
    [InlineData("0,100\nfive,1", ":2:")]
    [InlineData("0,100\n5,NaN", ":2:")]
    public void Parse_BadTrace_OneLineInvalidInput(string text, string expected)
    {
        var e = Assert.Throws<RfException>(() => RateTrace.Parse(text, "t.csv"));
        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Default_IsTenMinutesWithBursts()
    {
        var trace = RateTrace.Default;
        Assert.Equal(TimeSpan.FromMinutes(10), trace.Duration);
        Assert.True(trace.MaxRate >= 4 * trace.Points.First().RequestsPerSecond);
        Assert.True(trace.MaxRate >= 2 * trace.MeanRate);
    }
}
