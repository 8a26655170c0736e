using RainForest.Core;

namespace RainForest.Core.Tests;

public class CpuSetTests
{
    [Theory]
    [InlineData("0-3,8", "0-3,8", 5)]
    [InlineData("3,2,1,0", "0-3", 4)]
    [InlineData("", "", 0)]
    [InlineData(" 5 ", "5", 1)]
    [InlineData("0-1,1-2", "0-2", 3)]
    public void Parse_ValidList_RoundTrips(string text, string expected, int count)
    {
        var set = CpuSet.Parse(text);
        Assert.Equal(expected, set.ToString());
        Assert.Equal(count, set.Count);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("3-1")]
    [InlineData("-1")]
    [InlineData("1,,2")]
    [InlineData("99999")]
    public void TryParse_Malformed_Fails(string text)
    {
        Assert.False(CpuSet.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void SetAlgebra_Works()
    {
        var a = CpuSet.Parse("0-3");
        var b = CpuSet.Parse("2-5");
        Assert.Equal("0-5", a.Union(b).ToString());
        Assert.Equal("2-3", a.Intersect(b).ToString());
        Assert.Equal("0-1", a.Except(b).ToString());
        Assert.True(a.Overlaps(b));
        Assert.False(CpuSet.Parse("0-1").Overlaps(CpuSet.Parse("2")));
        Assert.True(CpuSet.Parse("1-2").IsSubsetOf(a));
        Assert.Equal(CpuSet.Parse("0,1"), a.Take(2));
    }
}
