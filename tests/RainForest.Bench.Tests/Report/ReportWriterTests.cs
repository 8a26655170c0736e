using HdrHistogram;
using RainForest.Bench.Report;

namespace RainForest.Bench.Tests.Report;

public class ReportWriterTests
{
    private static readonly byte[] s_pngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly MachineInfo s_machine = new()
    {
        CpuModel = "Test CPU 9000",
        Cores = 2,
        Threads = 4,
        NumaNodes = 1,
        MemoryBytes = 24L << 30,
        Kernel = "6.18.44-test",
        CgroupMode = "hybrid",
        Hostname = "testhost",
    };

    /// <summary>A run that uses every part of the model, with values drawn from <paramref name="random"/>.</summary>
    internal static BenchRun SampleRun(Random random, string experiment = "micro", string losing = "cell")
    {
        List<LatencySeries> latencies = [];
        foreach (var op in new[] { "mmap", "open" })
        {
            foreach (var (system, scale) in new[] { ("linux", 1.0), ("cell", 1.3), ("lxc", 1.1) })
            {
                var histogram = new LongHistogram(1, 100_000_000_000, 3);
                for (var i = 0; i < 20_000; i++)
                {
                    // Log-normal-ish: mostly microseconds, a tail to milliseconds.
                    histogram.RecordValue((long)(scale * 3000 * Math.Exp(random.NextDouble() * random.NextDouble() * 6)));
                }

                latencies.Add(LatencyHistograms.ToSeries(histogram, system, $"{op}, 2 workers", op) with { OpsPerSecond = 1e5 / scale });
            }
        }

        string[] names = ["bzip2", "cachebench.read", "cachebench.write", "iozone.write"];
        return new BenchRun
        {
            Experiment = experiment,
            Title = "Will-it-scale micro-benchmarks",
            Paper = "Fig. 3a, Fig. 6",
            Description = "Two workers per system, 128 MB regions.",
            Mode = BenchMode.Full,
            StartedUtc = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            FinishedUtc = new DateTimeOffset(2026, 1, 2, 3, 5, 5, TimeSpan.Zero),
            CommandLine = "rfm bench micro --full --systems linux,cell,lxc",
            Machine = s_machine,
            Systems = ["linux", "cell", "lxc"],
            Parameters = new Dictionary<string, string> { ["workers"] = "2", ["size"] = "128M" },
            Notes =
            [
                "cells and LXC share one kernel on this machine",
                $"{losing} was slower than linux on mmap | tail: 1.3x",
                "line one\nline two",
            ],
            Latencies = latencies,
            Matrices =
            [
                new Matrix
                {
                    Title = "Slowdown of foreground next to background",
                    System = "cell",
                    RowAxis = "foreground",
                    ColumnAxis = "background",
                    RowLabels = names,
                    ColumnLabels = names,
                    Values = [.. names.Select((_, r) => (IReadOnlyList<double?>)[.. names.Select((_, c) => r == c && r == 3 ? (double?)null : Math.Round(random.NextDouble() * 40 - 5, 1))])],
                },
            ],
            LoadCurves =
            [
                .. new[] { ("linux", 1.0), ("cell", 0.8), ("lxc", 1.2) }.Select(s => new LoadCurve
                {
                    System = s.Item1,
                    Group = "memcached",
                    Unit = TimeUnit.Milliseconds,
                    Points = [.. new[] { 100.0, 200, 300, 400, 500 }.Select(rate => new LoadPoint(rate, rate * 0.99, 20 * s.Item2, 80 * s.Item2 * Math.Exp(rate / 250), 120 * s.Item2 * Math.Exp(rate / 250), rate / 700))],
                }),
            ],
            Rows =
            [
                new TableRow { System = "cell", Operation = "create", Median = 0.21, P99 = 0.4, Mean = 0.23, Count = 100, PaperValue = 6.1, Unit = "s", Note = "paper: 6 CPUs, 16G" },
                new TableRow { System = "lxc", Operation = "create", Median = 1.9, P99 = 2.5, Count = 100, PaperValue = 2.1, Unit = "s" },
            ],
            Tables =
            [
                new ResultTable
                {
                    Title = "Search consolidated with PARSEC",
                    Columns = ["Platform", "PARSEC time (s)", "p99 (ms)"],
                    Rows = [["linux", "1058.7", "379.3"], ["cell", "1520.0", "230.2"]],
                },
            ],
            Bars =
            [
                new BarChart
                {
                    Title = "Search p99 slowdown next to PARSEC",
                    ValueAxis = "slowdown (%)",
                    Categories = ["blackscholes", "canneal", "streamcluster"],
                    Series = [new BarSeries("cell", [3.0, 7.5, 5.0]), new BarSeries("lxc", [12.0, null, 46.0])],
                },
            ],
        };
    }

    [Fact]
    public void Write_FullRun_WritesEverySectionAndValidPngs()
    {
        using var temp = new TempDirectory();
        var run = SampleRun(new Random(11));

        var output = ReportWriter.Write([run], temp.Path, new ReportOptions { GeneratedUtc = run.FinishedUtc, LatencyLimit = 200 });

        Assert.Equal(temp.Combine("report.md"), output.MarkdownPath);
        var markdown = File.ReadAllText(output.MarkdownPath);
        foreach (var expected in new[]
        {
            "# RainForest benchmark report",
            "## Machine",
            "| testhost | Test CPU 9000 | 2 | 4 | 1 | 24 GiB | 6.18.44-test | hybrid |",
            "## 1. Will-it-scale micro-benchmarks",
            "Paper: Fig. 3a, Fig. 6",
            "Mode: full",
            "rfm bench micro --full --systems linux,cell,lxc",
            "- cells and LXC share one kernel on this machine",
            "- cell was slower than linux on mmap | tail: 1.3x",
            "- line one\n  line two",
            "| workers | 2 |",
            "### Latency",
            "#### mmap",
            "#### open",
            "### Slowdown of foreground next to background (cell)",
            "| foreground \\ background | bzip2 | cachebench.read | cachebench.write | iozone.write |",
            "### Latency against load",
            "highest rate with p99 within 200 ms",
            "### Operations",
            "| cell | create | 0.21 | 0.4 | 0.23 | 100 | 6.1 | s | paper: 6 CPUs, 16G |",
            "### Search consolidated with PARSEC",
            "| cell | 1520.0 | 230.2 |",
            "### Search p99 slowdown next to PARSEC",
            "| canneal | 7.5 | – |",
        })
        {
            Assert.Contains(expected, markdown, StringComparison.Ordinal);
        }

        // Two latency groups (CDF + tail each), the p99 bars, one heatmap, one load plot, one bar chart.
        Assert.Equal(8, output.PlotPaths.Count);
        foreach (var plot in output.PlotPaths)
        {
            AssertPng(plot);
            var relative = Path.GetRelativePath(temp.Path, plot);
            Assert.Contains($"]({relative})", markdown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void WriteFromFiles_TwoRuns_ShowsBothAndEveryOutcome()
    {
        using var temp = new TempDirectory();
        var first = SampleRun(new Random(1), "micro", losing: "cell");
        var second = SampleRun(new Random(2), "micro", losing: "lxc") with { Title = null, Machine = s_machine with { Hostname = "other" } };
        var firstPath = temp.Combine("runs", "a.json");
        var secondPath = temp.Combine("runs", "b.json");
        BenchJson.Save(first, firstPath);
        BenchJson.Save(second, secondPath);

        var output = ReportWriter.WriteFromFiles([firstPath, secondPath], temp.Combine("out"));

        var markdown = File.ReadAllText(output.MarkdownPath);
        Assert.Contains("from 2 runs", markdown, StringComparison.Ordinal);
        Assert.Contains("## 1. Will-it-scale micro-benchmarks", markdown, StringComparison.Ordinal);
        Assert.Contains("## 2. micro", markdown, StringComparison.Ordinal);
        Assert.Contains("| other |", markdown, StringComparison.Ordinal);
        Assert.Contains("Machine: other", markdown, StringComparison.Ordinal);
        Assert.Contains("- cell was slower than linux", markdown, StringComparison.Ordinal);
        Assert.Contains("- lxc was slower than linux", markdown, StringComparison.Ordinal);
        Assert.Equal(16, output.PlotPaths.Distinct().Count());
        Assert.All(output.PlotPaths, AssertPng);
    }

    [Fact]
    public void Write_LatencyOnlyFromPercentiles_StillPlots()
    {
        using var temp = new TempDirectory();
        var run = new BenchRun
        {
            Experiment = "tiny",
            Machine = s_machine,
            Latencies =
            [
                new LatencySeries { System = "linux", Label = "x", Count = 5, P50 = 0, P90 = 2, P99 = 3, P999 = 4, Max = 5, Mean = 1 },
            ],
        };

        var output = ReportWriter.Write([run], temp.Path);

        Assert.Equal(2, output.PlotPaths.Count);
        Assert.All(output.PlotPaths, AssertPng);
    }

    [Fact]
    public void Write_MalformedMatrix_ThrowsBeforeWriting()
    {
        using var temp = new TempDirectory();
        var run = new BenchRun
        {
            Experiment = "bad",
            Machine = s_machine,
            Matrices = [new Matrix { Title = "m", RowLabels = ["a"], ColumnLabels = ["x", "y"], Values = [[1.0]] }],
        };

        Assert.Throws<InvalidDataException>(() => ReportWriter.Write([run], temp.Path));
        Assert.False(File.Exists(temp.Combine("report.md")));
    }

    [Theory]
    [InlineData("Will-it-scale: mmap (2 workers)", "will-it-scale-mmap-2-workers")]
    [InlineData("µ", "x")]
    [InlineData("cachebench.write", "cachebench-write")]
    public void Slug_MakesSafeFileNames(string text, string expected) => Assert.Equal(expected, ReportWriter.Slug(text));

    private static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"{path} is missing");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 1000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(s_pngMagic, bytes[..8]);
    }
}
