using System.Text.Json;
using RainForest.Bench.Cli;
using RainForest.Bench.Harness.Lifecycle;
using RainForest.Bench.Report;
using RainForest.Core;

namespace RainForest.Bench.Harness.Tests;

/// <summary>rf-bench's command line (what <c>rfm bench</c> runs) and its <c>--json</c> documents, in-process.</summary>
public sealed class BenchAppTests
{
    private static readonly Lock s_console = new();

    [Theory]
    [InlineData("lifecycle --quick --smoke", "rfm: --quick and --smoke exclude each other")]
    [InlineData("micro --seconds 0 --smoke", "rfm: --seconds must be positive")]
    [InlineData("lifecycle --repetitions 0", "rfm: --repetitions must be at least 1")]
    [InlineData("", "rfm: rfm bench needs a command (rfm bench --help lists them)")]
    [InlineData("bogus --smoke", "rfm: unknown command 'bogus' for rfm bench (rfm bench --help lists them)")]
    [InlineData("lifecycle --bogus", "rfm: Unrecognized command or argument '--bogus'. (rfm bench --help for usage)")]
    [InlineData("elastic --quick --smoke", "rfm: --quick and --smoke exclude each other")]
    [InlineData("elastic --smoke --systems linux,cell", "rfm: unknown system 'cell' for elastic (expected linux, static, threshold, slack, slack-idle)")]
    [InlineData("elastic --smoke --slo-ms 0", "rfm: --slo-ms must be a positive number of milliseconds")]
    [InlineData("elastic --smoke --lc-cpus 0", "rfm: --lc-cpus must be at least 1")]
    [InlineData("elastic --smoke --cores 64", "rfm: --cores goes with --simulate")]
    [InlineData("elastic --smoke --trace /nonexistent/trace.csv", "rfm: --trace /nonexistent/trace.csv: Could not find a part of the path '/nonexistent/trace.csv'.")]
    public void Run_BadInput_OneLineExitTwo(string commandLine, string expected)
    {
        var (code, stdout, stderr) = Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(RfException.InvalidInputExitCode, code);
        Assert.Equal("", stdout);
        Assert.Equal(expected + "\n", stderr);
    }

    [Fact]
    public void Run_ElasticLcTakesEveryCpu_RefusedBeforeAnythingIsMade()
    {
        var (code, stdout, stderr) = Run(["elastic", "--smoke", "--lc-cpus", "4096"]);

        Assert.Equal(RfException.InvalidInputExitCode, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("rfm: --lc-cpus 4096 leaves no CPU for the batch subOS (", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Run_StateDirectoryNotInitialised_RefusedAndNothingCreated()
    {
        using var scratch = new TempDirectory();
        var state = Path.Combine(scratch.Path, "state");

        var (code, _, stderr) = Run(["lifecycle", "--smoke", "--state-dir", state]);

        Assert.Equal(RfException.InvalidInputExitCode, code);
        Assert.Equal($"rfm: not initialised: run 'rfm init' first (state directory {state})\n", stderr);
        Assert.False(Directory.Exists(state));
    }

    [Fact]
    public void Run_ReportOfAnEmptyDirectory_SaysThereAreNoResults()
    {
        using var results = new TempDirectory();

        var (code, _, stderr) = Run(["report", "--dir", results.Path]);

        Assert.Equal(RfException.InvalidInputExitCode, code);
        Assert.StartsWith($"rfm: no results in {results.Path} ", stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(results.Path));
    }

    [Fact]
    public void LifecycleReport_Json_LxcIsAlwaysAList()
    {
        var measured = new LifecycleReport
        {
            Repetitions = 2,
            Machine = "m",
            Cgroup = "hybrid",
            Results = [new LifecycleResult("destroy", 2, 3.1, 3.5, 3.5, 0, null, 25, "until every process is gone")],
            Lxc = [new TableRow { System = "lxc", Operation = "destroy", Median = 41.9, Unit = "ms" }],
        };
        var notMeasured = measured with { Lxc = [], LxcNotMeasured = "lxc is not installed" };

        using var a = JsonDocument.Parse(JsonSerializer.Serialize(measured, BenchCliJsonContext.Default.LifecycleReport));
        using var b = JsonDocument.Parse(JsonSerializer.Serialize(notMeasured, BenchCliJsonContext.Default.LifecycleReport));

        Assert.Equal(JsonValueKind.Array, a.RootElement.GetProperty("lxc").ValueKind);
        Assert.Equal(JsonValueKind.Null, a.RootElement.GetProperty("lxcNotMeasured").ValueKind);
        Assert.Equal(JsonValueKind.Array, b.RootElement.GetProperty("lxc").ValueKind);
        Assert.Equal("lxc is not installed", b.RootElement.GetProperty("lxcNotMeasured").GetString());
        Assert.Equal("lifecycle", a.RootElement.GetProperty("experiment").GetString());
        Assert.Equal(3.1, a.RootElement.GetProperty("results")[0].GetProperty("medianMs").GetDouble());
    }

    private static (int Code, string Stdout, string Stderr) Run(string[] args)
    {
        lock (s_console)
        {
            var (oldOut, oldError) = (Console.Out, Console.Error);
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            Console.SetOut(stdout);
            Console.SetError(stderr);
            try
            {
                return (BenchApp.Run(args), stdout.ToString(), stderr.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldError);
            }
        }
    }
}
