namespace RainForest.Cli.Tests;

/// <summary>How wide tables are laid out: unwrapped into pipes, the terminal's width otherwise.</summary>
public sealed class OutputWidthTests
{
    [Theory]
    [InlineData(null, 0)]
    [InlineData("40", 0)]
    [InlineData(null, 120)]
    public void Width_Redirected_IsUnbounded(string? columns, int terminal) =>
        Assert.Equal(Output.UnboundedWidth, Output.Width(redirected: true, columns, terminal));

    [Theory]
    [InlineData("132", 100, 132)]
    [InlineData(null, 100, 100)]
    [InlineData("abc", 100, 100)]
    [InlineData("0", 0, 80)]
    [InlineData("-5", 0, 80)]
    [InlineData(null, 0, 80)]
    public void Width_Terminal_PrefersColumnsThenTheTerminal(string? columns, int terminal, int expected) =>
        Assert.Equal(expected, Output.Width(redirected: false, columns, terminal));
}
