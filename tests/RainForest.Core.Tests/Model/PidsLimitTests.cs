using RainForest.Core.Model;

namespace RainForest.Core.Tests.Model;

/// <summary>The default pids limit follows the memory size within bounds; explicit limits are checked.</summary>
public class PidsLimitTests
{
    [Theory]
    [InlineData("16M", 128)]
    [InlineData("256M", 1024)]
    [InlineData("4G", 16384)]
    [InlineData("64G", 32768)]
    public void Default_ForMemory_IsOnePer256KiBWithinBounds(string memory, long expected)
    {
        Assert.Equal(expected, PidsLimit.Default(ByteSize.Parse(memory)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(15)]
    [InlineData(5_000_000)]
    public void Check_OutOfRange_IsInvalidInput(long pids)
    {
        var e = Assert.Throws<RfException>(() => PidsLimit.Check(pids));

        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.Contains("--pids", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(4096)]
    public void Check_InRange_ReturnsIt(long pids)
    {
        Assert.Equal(pids, PidsLimit.Check(pids));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("1e3")]
    [InlineData("")]
    public void Parse_NotAWholeNumber_IsOneClearLine(string text)
    {
        var e = Assert.Throws<RfException>(() => PidsLimit.Parse(text));

        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.StartsWith("--pids", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InRange_ReturnsIt()
    {
        Assert.Equal(512, PidsLimit.Parse("512"));
    }
}
