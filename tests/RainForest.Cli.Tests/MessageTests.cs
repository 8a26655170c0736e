using RainForest.Cli.Commands;
using RainForest.Core;

namespace RainForest.Cli.Tests;

/// <summary>Mistakes on the command line get one accurate line and exit 2, before anything is opened.</summary>
public sealed class MessageTests
{
    [Theory]
    [InlineData(new[] { "frob" }, "rfm: unknown command 'frob' for rfm (rfm --help lists them)")]
    [InlineData(new string[0], "rfm: rfm needs a command (rfm --help lists them)")]
    [InlineData(new[] { "channel" }, "rfm: rfm channel needs a command (rfm channel --help lists them)")]
    [InlineData(new[] { "channel", "frob" }, "rfm: unknown command 'frob' for rfm channel (rfm channel --help lists them)")]
    [InlineData(new[] { "log", "-n", "abc" }, "rfm: --last abc: not a count (a whole number, 1 or more)")]
    [InlineData(new[] { "log", "-n", "-5" }, "rfm: --last -5: not a count (a whole number, 1 or more)")]
    [InlineData(new[] { "log", "-n", "0" }, "rfm: --last 0: not a count (a whole number, 1 or more)")]
    [InlineData(new[] { "create", "web", "--cpus", "1", "--memory", "64M", "--nic", "lo" }, "rfm: --nic lo: the loopback interface belongs to every network namespace and cannot be moved into a subOS (each subOS has its own lo)")]
    [InlineData(new[] { "create", "web", "--cpus", "1", "--memory", "64M", "--nic", "rfnosuch0" }, "rfm: --nic rfnosuch0: no such network interface on the host (ip link lists them)")]
    [InlineData(new[] { "exec", "web", "-e", "=x", "--", "true" }, "rfm: --env '=x': expected KEY=VALUE or KEY")]
    public void Rfm_BadCommandLine_OneLineExit2(string[] args, string expected)
    {
        using var scratch = new TempDir();
        var state = Path.Combine(scratch.Path, "state");

        var (code, _, stderr) = RfmRun.Run(state, args);

        Assert.Equal(2, code);
        Assert.Equal(expected, stderr.TrimEnd('\n'));
        Assert.False(Directory.Exists(state));
    }

    [Fact]
    public void Help_Topic_PrintsThatCommandsHelp()
    {
        using var scratch = new TempDir();
        var (code, stdout, _) = RfmRun.Run(scratch.Path, "help", "create");

        Assert.Equal(0, code);
        Assert.Contains(" create <name> [options]", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecEnvironment_KeyAlone_TakesRfmsOwnValue() =>
        Assert.Equal(["A=1", "HOME=/root"], ExecCommand.Environment(["A=1", "HOME"], key => key == "HOME" ? "/root" : null));

    [Fact]
    public void ExecEnvironment_KeyAloneWithoutAValue_IsRefused()
    {
        var e = Assert.Throws<RfException>(() => ExecCommand.Environment(["FOO"], _ => null));

        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.Equal("--env FOO: no value given and rfm's environment has no FOO (use FOO=VALUE)", e.Message);
    }

    [Fact]
    public void ExecEnvironment_EmptyValue_IsKept() =>
        Assert.Equal(["FOO="], ExecCommand.Environment(["FOO="], _ => null));
}
