using RainForest.Core;

namespace RainForest.Core.Tests;

public class ByteSizeTests
{
    [Theory]
    [InlineData("512M", 512L << 20)]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("512mb", 512L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("1.5G", 3L << 29)]
    [InlineData("4096", 4096)]
    [InlineData("64K", 64L << 10)]
    [InlineData("1T", 1L << 40)]
    public void Parse_Valid_GivesBytes(string text, long bytes) => Assert.Equal(bytes, ByteSize.Parse(text).Bytes);

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-1G")]
    [InlineData("12X")]
    [InlineData("1.5")]
    [InlineData("G")]
    public void TryParse_Malformed_Fails(string text) => Assert.False(ByteSize.TryParse(text, out _));

    [Theory]
    [InlineData(512L << 20, "512M")]
    [InlineData(3L << 30, "3G")]
    [InlineData(1536L << 20, "1.5G")]
    [InlineData(23449700L << 10, "22.36G")]
    [InlineData(100, "100")]
    public void ToString_UsesExactUnit(long bytes, string text) => Assert.Equal(text, new ByteSize(bytes).ToString());
}
