using RainForest.Core;

namespace RainForest.Core.Tests;

public class NodeSetTests
{
    [Theory]
    [InlineData("0", "0", 1)]
    [InlineData("1,0", "0-1", 2)]
    [InlineData("0-1,3", "0-1,3", 3)]
    [InlineData("", "", 0)]
    public void Parse_ValidList_RoundTrips(string text, string expected, int count)
    {
        var set = NodeSet.Parse(text);

        Assert.Equal(expected, set.ToString());
        Assert.Equal(count, set.Count);
        Assert.Equal(set, NodeSet.Parse(set.ToString()));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("1-0")]
    [InlineData("0,,1")]
    public void Parse_Malformed_ThrowsFormatException(string text)
    {
        Assert.False(NodeSet.TryParse(text, out var set));
        Assert.True(set.IsEmpty);
        var e = Assert.Throws<FormatException>(() => NodeSet.Parse(text));
        Assert.Contains("NUMA node list", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equals_SameNodesAnyOrder_EqualAndSameHash()
    {
        var a = NodeSet.Of(1, 0, 1);
        var b = NodeSet.Parse("0-1");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, NodeSet.Of(0));
        Assert.True(a.Contains(1));
        Assert.False(a.Contains(2));
        Assert.Equal([0, 1], a);
    }
}
