using RainForest.Core;

namespace RainForest.Cli.Tests;

/// <summary>
/// <c>--cpus</c> errors: the model says what is wrong with the value, the CLI names the option; one line,
/// exit code 2, and nothing made (the state directory is not even created).
/// </summary>
public sealed class CpusOptionTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("rf-cli-").FullName;

    private string State => Path.Combine(_scratch, "state");

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Theory]
    [InlineData("abc", "expected a count (2), a list (0-3,8), or for resize +N or -N")]
    [InlineData("+1", "expected a count (2), a list (0-3,8), or for resize +N or -N")]
    [InlineData("3-1", "CPU range '3-1' runs backwards")]
    public void Create_BadCpus_OneLineNamingTheOptionExit2(string cpus, string reason)
    {
        var (code, stdout, stderr) = RfmRun.Run(State, "create", "web", "--cpus", cpus, "--memory", "64M");

        Assert.Equal(RfException.InvalidInputExitCode, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal($"rfm: --cpus {cpus}: {reason}{Environment.NewLine}", stderr);
        Assert.False(Directory.Exists(State));
    }

    [Fact]
    public void Resize_BadCpus_OneLineNamingTheOptionExit2()
    {
        var (code, _, stderr) = RfmRun.Run(State, "resize", "web", "--cpus", "+x");

        Assert.Equal(RfException.InvalidInputExitCode, code);
        Assert.Equal($"rfm: --cpus +x: expected a count (2), a list (0-3,8), or for resize +N or -N{Environment.NewLine}", stderr);
        Assert.False(Directory.Exists(State));
    }
}
