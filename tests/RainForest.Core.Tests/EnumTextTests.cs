using RainForest.Core;

namespace RainForest.Core.Tests;

public class EnumTextTests
{
    public enum Sample
    {
        None,
        Loop,
        V2,
    }

    [Theory]
    [InlineData(Sample.None, "none")]
    [InlineData(Sample.Loop, "loop")]
    [InlineData(Sample.V2, "v2")]
    public void ToText_IsTheLowerCaseName_AndParsesBack(Sample value, string text)
    {
        Assert.Equal(text, value.ToText());
        Assert.True(EnumText.TryParse<Sample>(text, out var parsed));
        Assert.Equal(value, parsed);
        Assert.Equal(value, EnumText.Parse<Sample>(text));
    }

    [Theory]
    [InlineData("Loop")]
    [InlineData("LOOP")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("bridge")]
    public void TryParse_OtherCaseNumbersOrUnknown_Fails(string? text)
    {
        Assert.False(EnumText.TryParse<Sample>(text, out _));
    }

    [Fact]
    public void Parse_Unknown_NamesTheChoices()
    {
        var e = Assert.Throws<InvalidDataException>(() => EnumText.Parse<Sample>("bridge"));

        Assert.Equal("'bridge' is not a Sample (none, loop, v2)", e.Message);
    }
}
