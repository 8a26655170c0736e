namespace RainForest.Bench.Load.Tests;

public class RateProfileTests
{
    [Fact]
    public void Parse_HeaderCommentsAndPoints_InterpolatesLinearly()
    {
        var profile = RateProfile.Parse("# a ramp and a burst\nseconds,requests_per_second\n0,100\n10,300\n\n12,1000\n20,1000\n");

        Assert.Equal(4, profile.Points.Count);
        Assert.Equal(TimeSpan.FromSeconds(20), profile.Duration);
        Assert.Equal(1000, profile.MaxRate);
        Assert.Equal(100, profile.RateAt(-1));
        Assert.Equal(200, profile.RateAt(5), 9);
        Assert.Equal(650, profile.RateAt(11), 9);
        Assert.Equal(1000, profile.RateAt(25));
        // Area: 10 s averaging 200, 2 s averaging 650, 8 s at 1000 = 2000 + 1300 + 8000 over 20 s.
        Assert.Equal(11_300 / 20.0, profile.MeanRate, 9);
    }

    [Theory]
    [InlineData("0,100\nten,200\n", "line 2")]
    [InlineData("0,100\n5;200\n", "line 2")]
    [InlineData("0,100,3\n", "line 1")]
    public void Parse_NotSecondsCommaRate_FormatExceptionNamesTheLine(string text, string where)
    {
        var e = Assert.Throws<FormatException>(() => RateProfile.Parse(text));

        Assert.Contains(where, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5,100\n1,100\n", "ascend")]
    [InlineData("0,100\n", "longer than zero")]
    [InlineData("0,0\n10,0\n", "above zero")]
    [InlineData("0,-5\n10,5\n", "not negative")]
    [InlineData("# nothing\n", "at least one point")]
    public void Parse_PointsThatMakeNoProfile_ArgumentExceptionSaysWhy(string text, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => RateProfile.Parse(text));

        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_ThenParse_SamePoints()
    {
        var profile = new RateProfile([new RatePoint(0, 10.5), new RatePoint(2.25, 300), new RatePoint(4, 0)]);

        Assert.Equal(profile.Points, RateProfile.Parse(profile.Format()).Points);
    }

    [Fact]
    public void Scale_RatesAndTimes_MultipliedSeparately()
    {
        var profile = new RateProfile([new RatePoint(0, 0.5), new RatePoint(100, 1)]).Scale(2000, 0.1);

        Assert.Equal([new RatePoint(0, 1000), new RatePoint(10, 2000)], profile.Points);
    }

    [Fact]
    public void Schedule_PoissonFollowingARamp_CountsPerSecondFollowTheRate()
    {
        // 0 to 4000 req/s over 4 s after a 1 s warm-up at the first rate (0): 8000 requests expected, 1000 per second more each second.
        var options = new LoadOptions
        {
            RateProfile = new RateProfile([new RatePoint(0, 0), new RatePoint(4, 4000)]),
            Duration = TimeSpan.FromSeconds(4),
            Warmup = TimeSpan.FromSeconds(1),
            Seed = 3,
        };

        var schedule = RequestSchedule.Create(options);

        Assert.Equal(0, schedule.FirstMeasured);
        Assert.InRange(schedule.Count, 8000 * 0.95, 8000 * 1.05);
        for (var second = 0; second < 4; second++)
        {
            var expected = 500 + (1000 * second);
            var count = schedule.CountBetween((1 + second) * 1_000_000_000L, (2 + second) * 1_000_000_000L);
            Assert.InRange(count, expected * 0.85, expected * 1.15);
        }
    }

    [Fact]
    public void Schedule_UniformFollowingAStep_GapIsOneOverTheRateOfTheMoment()
    {
        var options = new LoadOptions
        {
            RateProfile = new RateProfile([new RatePoint(0, 100), new RatePoint(1, 100), new RatePoint(1, 1000), new RatePoint(2, 1000)]),
            Arrival = ArrivalProcess.Uniform,
            Duration = TimeSpan.FromSeconds(2),
            Warmup = TimeSpan.Zero,
        };

        var schedule = RequestSchedule.Create(options);

        Assert.InRange(schedule.CountBetween(0, 1_000_000_000), 99, 100);
        // The gap that crosses the step is still the old rate's 10 ms: up to 10 requests of the new rate are not sent.
        Assert.InRange(schedule.CountBetween(1_000_000_000, 2_000_000_000), 989, 1001);
    }

    [Fact]
    public void Schedule_SameSeed_SameTimes()
    {
        var options = new LoadOptions { RateProfile = new RateProfile([new RatePoint(0, 500), new RatePoint(2, 2000)]), Duration = TimeSpan.FromSeconds(2), Seed = 9 };

        Assert.Equal(RequestSchedule.Create(options).OffsetsNs.ToArray(), RequestSchedule.Create(options).OffsetsNs.ToArray());
    }
}
