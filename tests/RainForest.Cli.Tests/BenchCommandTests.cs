using System.Diagnostics;
using RainForest.Cli.Commands;
using RainForest.Core;

namespace RainForest.Cli.Tests;

/// <summary><c>rfm bench</c> hands its command line to rf-bench, the benchmarks' own program.</summary>
public sealed class BenchCommandTests
{
    [Theory]
    [InlineData("bench", "")]
    [InlineData("bench --help", "--help")]
    [InlineData("bench lifecycle --smoke -r 3 --json", "lifecycle --smoke -r 3 --json")]
    [InlineData("--state-dir /tmp/s bench lifecycle", "--state-dir /tmp/s lifecycle")]
    [InlineData("bench lifecycle --state-dir /tmp/s --verbose", "lifecycle --state-dir /tmp/s --verbose")]
    [InlineData("bench create bench --cpus 1", "create bench --cpus 1")]
    [InlineData("bench report --dir=/tmp/r", "report --dir=/tmp/r")]
    public void Arguments_BenchCommandLine_EverythingButTheWordBenchInOrder(string commandLine, string expected)
    {
        var parse = RfmApp.Parse(commandLine.Split(' '));

        Assert.Empty(parse.Errors);
        Assert.True(BenchCommand.IsChosen(parse));
        Assert.Equal(expected, string.Join(' ', BenchCommand.Arguments(parse)));
    }

    [Theory]
    [InlineData("ls")]
    [InlineData("channel ls")]
    [InlineData("create bench --cpus 1 --memory 64M")]
    public void IsChosen_OtherCommands_False(string commandLine)
    {
        Assert.False(BenchCommand.IsChosen(RfmApp.Parse(commandLine.Split(' '))));
    }

    [Fact]
    public void Run_BenchProgramMissing_OneLineExitOneNothingCreated()
    {
        // The test's output folder holds rfm's assembly but no bench/rf-bench beside it.
        Assert.False(File.Exists(BenchCommand.ProgramPath));
        var state = Path.Combine(Path.GetTempPath(), $"rf-bench-missing-{Guid.NewGuid():N}");

        var (code, stdout, stderr) = RfmRun.Run(state, "bench", "lifecycle", "--smoke");

        Assert.Equal(RfException.FailureExitCode, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"rfm: {BenchCommand.ProgramPath} is missing", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(state));
    }

    [Fact]
    [Trait("Category", "Integration")]
    public void Rfm_Bench_RunsRfBenchWithItsArgumentsAndExitCode()
    {
        var rfm = BuiltRfm();
        using var results = new TempDir();

        var help = Run(rfm, "bench", "--help");
        var report = Run(rfm, "bench", "report", "--dir", results.Path);
        var bad = Run(rfm, "bench", "lifecycle", "--quick", "--smoke");

        // rf-bench's own help lists its experiments; rfm's bench command has none.
        Assert.Equal(0, help.Code);
        Assert.Contains("lifecycle", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("channels", help.Stdout, StringComparison.Ordinal);

        // Its answers and their exit codes come back unchanged.
        Assert.Equal(RfException.InvalidInputExitCode, report.Code);
        Assert.StartsWith($"rfm: no results in {results.Path} ", report.Stderr, StringComparison.Ordinal);
        Assert.Equal(RfException.InvalidInputExitCode, bad.Code);
        Assert.Equal("rfm: --quick and --smoke exclude each other\n", bad.Stderr);
    }

    private static string BuiltRfm()
    {
        var repo = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repo, "RainForest.slnx")))
        {
            repo = Path.GetDirectoryName(repo) ?? throw new InvalidOperationException("cannot find the repository root");
        }

        // ./rfm builds rfm and rf-bench when the sources changed, then runs rfm.
        var version = Run(Path.Combine(repo, "rfm"), "--version");
        Assert.True(version.Code == 0, version.Stderr);
        return Path.Combine(repo, ".build/bin/rfm");
    }

    private static (int Code, string Stdout, string Stderr) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr);
    }
}
