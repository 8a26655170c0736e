using RainForest.Bench.Contracts;
using RainForest.Bench.Worker;
using RainForest.Core;

namespace RainForest.Bench.Tests.Worker;

public class WorkerCommandTests
{
    [Fact]
    public void Run_JsonAndOut_PrintsAndWritesTheSameDocument()
    {
        using var temp = new TempDirectory();
        var outFile = temp.Combine("result.json");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = WorkerCommand.Run(
            ["micro", "--op", "openclose", "--seconds", "0.1", "--tmpdir", temp.Path, "--label", "w0", "--json", "--out", outFile],
            stdout, stderr);

        Assert.Equal(0, code);
        Assert.Equal("", stderr.ToString());
        var printed = MicroResult.FromJson(stdout.ToString());
        var written = MicroResult.FromJson(File.ReadAllText(outFile));
        Assert.Equal("openclose", printed.Op);
        Assert.Equal("w0", printed.Label);
        Assert.Equal(printed.Histogram, written.Histogram);
        Assert.Equal(printed.Ops, written.Ops);
        Assert.Equal(["result.json"], Directory.EnumerateFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Run_WithoutJson_PrintsSummaryForPeople()
    {
        using var temp = new TempDirectory();
        var stdout = new StringWriter();

        var code = WorkerCommand.Run(["micro", "--op", "malloc", "--seconds", "0.05", "--size", "1M"], stdout, new StringWriter());

        Assert.Equal(0, code);
        Assert.StartsWith("malloc: ", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("p99", stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bench")]
    [InlineData("micro --seconds 1")]
    [InlineData("micro --op fork --seconds 1")]
    [InlineData("micro --op mmap")]
    [InlineData("micro --op mmap --seconds soon")]
    [InlineData("micro --op mmap --seconds 0")]
    [InlineData("micro --op mmap --seconds 1 --size huge")]
    [InlineData("micro --op mmap --seconds 1 --start-at -5")]
    [InlineData("micro --op mmap --seconds 1 --bogus")]
    [InlineData("micro --op mmap --seconds 1 --file /nonexistent/rf-bench-none")]
    [InlineData("micro --op malloc --seconds 1 --file /proc/self/status")]
    [InlineData("micro --op openclose --seconds 1 --tmpdir /nonexistent/rf-bench-none")]
    [InlineData("micro --op mmap --seconds 1 --tmpdir")]
    public void Run_BadUsage_ReturnsTwoWithOneLineError(string commandLine)
    {
        var stderr = new StringWriter();

        var code = WorkerCommand.Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries), new StringWriter(), stderr);

        Assert.Equal(RfException.InvalidInputExitCode, code);
        Assert.StartsWith("rf-bench-worker: ", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Help_PrintsUsage()
    {
        var stdout = new StringWriter();

        Assert.Equal(0, WorkerCommand.Run(["micro", "--help"], stdout, new StringWriter()));
        Assert.Contains("--start-at <UNIXMS>", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AllOptions_AreRead()
    {
        var parsed = WorkerArguments.Parse(
        [
            "micro", "--op", "pagefault", "--seconds", "2.5", "--warmup", "0.5", "--size", "64M", "--tmpdir", "/tmp",
            "--start-at", "1700000000123", "--label", "cell-a/3", "--json", "--out", "/tmp/x.json",
        ]);

        var micro = parsed.Micro;
        Assert.Equal(MicroOp.PageFault, micro.Op);
        Assert.Equal(TimeSpan.FromSeconds(2.5), micro.Duration);
        Assert.Equal(TimeSpan.FromSeconds(0.5), micro.Warmup);
        Assert.Equal(64L << 20, micro.SizeBytes);
        Assert.Equal("/tmp", micro.TempDirectory);
        Assert.Equal(1700000000123, micro.StartAt!.Value.ToUnixTimeMilliseconds());
        Assert.Equal("cell-a/3", micro.Label);
        Assert.True(parsed.Json);
        Assert.Equal("/tmp/x.json", parsed.OutputPath);
    }

    [Theory]
    [InlineData("mmap", MicroOp.Mmap)]
    [InlineData("MMAP-anon", MicroOp.MmapAnon)]
    [InlineData("malloc", MicroOp.Malloc)]
    [InlineData("open", MicroOp.OpenClose)]
    [InlineData("openclose", MicroOp.OpenClose)]
    [InlineData("pagefault", MicroOp.PageFault)]
    public void MicroOpNames_TryParse_KnownNames(string name, MicroOp expected)
    {
        Assert.True(MicroOpNames.TryParse(name, out var op));
        Assert.Equal(expected, op);
    }

    [Fact]
    public void MicroOpNames_EveryOp_RoundTrips()
    {
        foreach (var op in Enum.GetValues<MicroOp>())
        {
            Assert.True(MicroOpNames.TryParse(op.ToName(), out var parsed));
            Assert.Equal(op, parsed);
        }
    }
}
