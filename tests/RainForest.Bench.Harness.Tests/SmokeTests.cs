using RainForest.Bench.Contracts;
using RainForest.Bench.Harness.Channels;
using RainForest.Bench.Harness.Elastic;
using RainForest.Bench.Harness.Systems;
using RainForest.Bench.Report;
using RainForest.Supervisor;

namespace RainForest.Bench.Harness.Tests;

/// <summary>
/// Each experiment end to end in smoke mode on the real machine, as root: systems set up, workloads run, results
/// written and rendered, and nothing left behind. They check the plumbing, never the numbers.
/// </summary>
public sealed class SmokeTests
{
    public SmokeTests()
    {
        BenchEnvironment.Ensure();
    }

    [Fact]
    public async Task Micro_Smoke_EveryOpOnEverySystemAndReportRendered()
    {
        // LXC joins where it is installed (not on CI): its containers are set up and removed like the cells.
        var run = await RunAsync(BenchHarness.Micro, null);

        Assert.Contains(SystemNames.Linux, run.Systems);
        Assert.Contains(SystemNames.Cell, run.Systems);
        Assert.Equal(LxcSystem.IsInstalled, run.Systems.Contains(SystemNames.Lxc));
        foreach (var op in new[] { "mmap", "openclose" })
        {
            foreach (var system in run.Systems)
            {
                var series = Assert.Single(run.Latencies, s => s.Group == op && s.System == system);
                Assert.True(series.Count > 0, $"{system} {op} recorded nothing");
                Assert.NotNull(series.Histogram);
            }
        }

        // Each cell worker saw one CPU of its own; the linux workers saw the whole machine.
        var placement = Assert.Single(run.Tables);
        var cells = placement.Rows.Where(r => r[0] == SystemNames.Cell).ToList();
        Assert.Equal(cells.Count, cells.Select(r => r[2]).Distinct().Count());
        Assert.All(cells, r => Assert.Single(Core.CpuSet.Parse(r[2])));
        AssertReport(run, "Latency", "micro-cdf-mmap", "micro-tail-openclose");
    }

    [Fact]
    public async Task Interference_Smoke_FullMatrixPerSystemAndReportRendered()
    {
        var run = await RunAsync(BenchHarness.Interference, [SystemNames.Linux, SystemNames.Cell]);

        Assert.Equal([SystemNames.Linux, SystemNames.Cell], run.Systems);
        Assert.Equal(2, run.Matrices.Count);
        foreach (var matrix in run.Matrices)
        {
            Assert.Equal(["cpu", "net"], matrix.RowLabels);
            Assert.Equal(["cpu", "net"], matrix.ColumnLabels);
            Assert.All(matrix.Values.SelectMany(row => row), v => Assert.NotNull(v));
        }

        AssertReport(run, "Interference slowdown (linux)", "interference-heatmap", "interference-bars");
    }

    [Fact]
    public async Task Colocate_Smoke_AloneAndNextToBatchWithSweepAndReportRendered()
    {
        var run = await RunAsync(BenchHarness.Colocate, [SystemNames.Linux, SystemNames.Cell]);

        Assert.Equal([SystemNames.Linux, SystemNames.Cell], run.Systems);
        var table = run.Tables.First(t => t.Title.StartsWith("memcached next to batch jobs", StringComparison.Ordinal));
        Assert.Equal(4, table.Rows.Count);
        Assert.DoesNotContain(table.Rows, r => r.Contains("not measured"));
        Assert.Equal(4, run.Latencies.Count);
        Assert.All(run.Latencies, s => Assert.True(s.Count > 0));
        Assert.Equal(2, run.LoadCurves.Count);
        Assert.All(run.LoadCurves, c => Assert.NotEmpty(c.Points));
        Assert.Contains(run.Notes, n => n.Contains("load generator runs on the host", StringComparison.Ordinal));
        AssertReport(run, "Latency against load", "colocate-load", "colocate-bars");
    }

    [Fact]
    public void Elastic_Smoke_EverySystemReplaysTheTraceAndReportRendered()
    {
        // Through rf-bench's command line, as CI's `rfm bench elastic --smoke` runs it: the JSON document it prints.
        using var results = new TempDirectory();
        var (code, stdout, stderr) = RunBench(["elastic", "--smoke", "--json", "--out", results.Path]);
        Assert.True(code == 0, stderr);
        var run = BenchJson.Deserialize(stdout);
        Assert.Equal(run.Systems, BenchJson.Load(Path.Combine(results.Path, "elastic.json")).Systems);
        AssertNothingLeft(run.Parameters[BenchSession.RunIdParameter]);
        Assert.Equal(BenchMode.Smoke, run.Mode);

        Assert.Equal(ElasticSystems.All, run.Systems);
        Assert.Contains(run.Notes, n => n.StartsWith("threshold: policy threshold, p99<=5ms, window 2 s, (lt, ut) = (4 ms, 5 ms)", StringComparison.Ordinal));
        Assert.Contains(run.Notes, n => n.StartsWith("slack: policy slack, p99<=5ms, window 0.5 s", StringComparison.Ordinal));

        var table = Assert.Single(run.Tables);
        Assert.Equal(run.Systems, table.Rows.Select(r => r[0]));
        Assert.All(table.Rows, r => Assert.EndsWith("%", r[4], StringComparison.Ordinal));
        Assert.Equal(run.Systems.Count, run.Latencies.Count);
        Assert.All(run.Latencies, s => Assert.True(s.Count > 0, $"{s.System} answered nothing"));

        // Fig. 10: one p99 line per system, with a value in most of the 16 half-second windows of the 8 s trace.
        var latency = run.TimeSeries.Single(c => c.Title.Contains("Fig. 10", StringComparison.Ordinal));
        Assert.Equal(run.Systems, latency.Series.Select(s => s.Name));
        Assert.All(latency.Series, s => Assert.True(s.Values.Count(v => v > 0) >= 12, $"{s.Name}: {s.Values.Count(v => v > 0)} windows"));
        Assert.Contains(latency.References, r => r.Label.StartsWith("SLO", StringComparison.Ordinal));

        // Fig. 11: the partitioned systems' LC CPUs; the static partition keeps its one (or half).
        var cpus = run.TimeSeries.Single(c => c.Title.Contains("Fig. 11", StringComparison.Ordinal));
        Assert.DoesNotContain(cpus.Series, s => s.Name == ElasticSystems.Linux);
        var fixedLc = cpus.Series.Single(s => s.Name == ElasticSystems.Static).Values.Distinct().ToList();
        var online = Core.CpuSet.Parse(File.ReadAllText("/sys/devices/system/cpu/online").Trim()).Count;
        Assert.Equal([Math.Max(1, online / 2)], fixedLc.Select(v => (int)v!.Value));

        // The batch jobs at a time, for every system: the static partition's never more than the CPUs its batch owns.
        var jobs = run.TimeSeries.Single(c => c.Title.Contains("jobs running", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(run.Systems, jobs.Series.Select(s => s.Name));
        Assert.All(jobs.Series.Single(s => s.Name == ElasticSystems.Static).Values, v => Assert.InRange(v!.Value, 0, online - fixedLc[0]!.Value));
        AssertReport(run, "Fig. 10", "elastic-time", null);
    }

    [Fact]
    public void Elastic_SmokeTwoRounds_MediansThenEveryRunInItsRotatedOrder()
    {
        using var results = new TempDirectory();
        var (code, stdout, stderr) = RunBench(["elastic", "--smoke", "--systems", "static,slack-idle", "--rounds", "2", "--json", "--out", results.Path]);
        Assert.True(code == 0, stderr);
        var run = BenchJson.Deserialize(stdout);
        AssertNothingLeft(run.Parameters[BenchSession.RunIdParameter]);

        Assert.Equal([ElasticSystems.Static, ElasticSystems.SlackIdle], run.Systems);
        Assert.Equal("2", run.Parameters["rounds"]);
        Assert.Equal(2, run.Tables.Count);
        var medians = run.Tables[0];
        Assert.StartsWith("Medians over the rounds", medians.Title, StringComparison.Ordinal);
        Assert.Equal(run.Systems, medians.Rows.Select(r => r[0]));
        Assert.All(medians.Rows, r => Assert.Equal("2", r[1]));
        Assert.Equal("1.00x", medians.Rows[0][6]);

        // Round 2 turns the order: slack-idle first.
        var every = run.Tables[1];
        Assert.Equal(["static 1", "slack-idle 1", "slack-idle 2", "static 2"], every.Rows.Select(r => $"{r[0]} {r[1]}"));
        Assert.Contains(run.Notes, n => n.StartsWith("slack-idle, round 2: rf-loadgen used", StringComparison.Ordinal));

        // The charts show round 1: one line per system.
        var latency = run.TimeSeries.Single(c => c.Title.Contains("Fig. 10", StringComparison.Ordinal));
        Assert.Equal(run.Systems, latency.Series.Select(s => s.Name));
        Assert.Equal(run.Systems, run.Latencies.Select(l => l.System));
        AssertReport(run, "Medians over the rounds", "elastic-time", null);
    }

    [Fact]
    public async Task Lifecycle_Smoke_EveryOperationMeasuredOnATemporarySupervisor()
    {
        var run = await RunAsync(BenchHarness.Lifecycle, null);

        // LXC is measured beside the cells where it is installed (not in CI, which does not install it).
        var lxc = run.Systems.Contains(SystemNames.Lxc);
        Assert.Equal(lxc ? [SystemNames.Cell, SystemNames.Lxc] : [SystemNames.Cell], run.Systems);
        // Cells: create, exec and destroy each for the default and for --privileged, CPU add and remove, memory grow and
        // shrink, and the shrink of a subOS whose memory is mostly in use (page cache).
        Assert.Equal(lxc ? 13 : 11, run.Rows.Count);
        Assert.Contains(run.Rows, r => r.Operation == "memory shrink 1G to 512M, 700M in use" && r.PaperValue == 60 && r.Note!.Contains("of page cache", StringComparison.Ordinal));
        Assert.Equal(lxc ? 2 : 0, run.Rows.Count(r => r.System == SystemNames.Lxc));
        Assert.All(run.Rows, r => Assert.Equal(2, r.Count));
        Assert.All(run.Rows, r => Assert.Equal("ms", r.Unit));
        AssertReport(run, "Operations", null, null);
    }

    [Fact]
    public async Task Channels_Smoke_EveryTransportSpinSweepAndFutexFloorInATemporarySupervisor()
    {
        var report = await ChannelsBenchmark.RunAsync(BenchMode.Smoke, install: true, NullObserver.Instance, CancellationToken.None);

        AssertNothingLeft(report.RunId);
        Assert.Equal(BenchMode.Smoke, report.Mode);
        foreach (var transport in new[] { IpcTransport.Unix, IpcTransport.Pipe, IpcTransport.Tcp, IpcTransport.Futex })
        {
            Assert.Equal([64, 1024, 16384], report.Messages.Where(m => m.System == "host" && m.Transport == transport).Select(m => m.Size));
        }

        // The raw futex never polls; FICM's sleeping receiver polls 1 µs by default, and 5, 20 and 50 µs at 64 B.
        Assert.All(report.Messages.Where(m => m.Transport == IpcTransport.Futex), m => Assert.Equal((IpcWait.Sleep, (double?)0), (m.Wait, m.SpinUs)));
        Assert.Equal(3, report.Messages.Count(m => m.System == "cell" && m.Wait == IpcWait.Spin && m.SpinUs is null));
        Assert.Equal([1, 1, 1, 5, 20, 50], report.Messages.Where(m => m.System == "cell" && m.Wait == IpcWait.Sleep).Select(m => m.SpinUs ?? -1));
        Assert.All(report.Messages, m => Assert.True(m.Samples == 200 && m.P50Us > 0 && m.P50Us <= m.P99Us && m.MessagesPerSecond > 0, $"{m}"));

        // iperf3 is installed by the run where apt-get can; both streams are then measured.
        Assert.Equal(Tools.Requirement.Iperf3.IsMet ? ["host loopback", "cell RFloop"] : [], report.Iperf.Select(i => i.System));
        Assert.All(report.Iperf, i => Assert.True(i.GbitPerSecond > 0));
        Assert.Contains(report.Notes, n => n.Contains($"rf-bench-{report.RunId}-state", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Channels_CancelledWhileTheSubOsesMeasure_RemovesEverythingItMade()
    {
        using var cancel = new CancellationTokenSource();
        var observer = new CancellingObserver(cancel, "channels: cell");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ChannelsBenchmark.RunAsync(BenchMode.Smoke, install: false, observer, cancel.Token));

        var runId = observer.RunId ?? throw new InvalidOperationException("the run never said where its supervisor was");
        AssertNothingLeft(runId);
    }

    private static (int Code, string Stdout, string Stderr) RunBench(string[] args)
    {
        var (oldOut, oldError) = (Console.Out, Console.Error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            return (Cli.BenchApp.Run(args), stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    private static async Task<BenchRun> RunAsync(string experiment, IReadOnlyList<string>? systems)
    {
        var options = new BenchOptions { Mode = BenchMode.Smoke, Systems = systems, Install = true, CommandLine = $"test {experiment}" };
        var run = await BenchHarness.RunAsync(experiment, options, NullObserver.Instance, CancellationToken.None);
        AssertNothingLeft(run.Parameters[BenchSession.RunIdParameter]);
        Assert.Equal(experiment, run.Experiment);
        Assert.Equal(BenchMode.Smoke, run.Mode);
        Assert.NotNull(run.FinishedUtc);
        Assert.NotEmpty(run.Notes);
        return run;
    }

    /// <summary>No directory, cgroup or process of the run survives it.</summary>
    private static void AssertNothingLeft(string runId)
    {
        var temp = Path.GetTempPath();
        foreach (var path in new[] { Path.Combine(temp, $"rf-bench-{runId}-state"), Path.Combine(temp, $"rf-bench-{runId}-lxc"), Path.Combine(temp, $"rf-bench-{runId}-elastic"), $"/dev/shm/rf-bench-{runId}", $"/dev/shm/rf-bench-{runId}-lxc" })
        {
            Assert.False(Directory.Exists(path), $"{path} was left behind");
        }

        Assert.Empty(Directory.GetFiles("/dev/shm", $"rf-ipc-{runId}-*").Concat(Directory.GetFiles(temp, $"rf-ipc-{runId}-*")));

        var cellPrefix = new StateDirectory(Path.Combine(temp, $"rf-bench-{runId}-state")).Prefix;
        Assert.False(Directory.Exists(RainForest.Supervisor.Host.LxcfsService.RootOf(cellPrefix)), $"the cells' lxcfs directory was left behind");
        foreach (var hierarchy in CgroupCleanup.Hierarchies())
        {
            Assert.False(Directory.Exists(Path.Combine(hierarchy, cellPrefix)), $"cgroup {hierarchy}/{cellPrefix} was left behind");
            Assert.False(Directory.Exists(Path.Combine(hierarchy, $"rf-lxc-{runId}")), $"cgroup {hierarchy}/rf-lxc-{runId} was left behind");
        }

        Assert.Empty(WrappedProcesses());
    }

    private static List<string> WrappedProcesses()
    {
        List<string> found = [];
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(Programs.ProgramWrapper.WrapperName, StringComparison.Ordinal))
                {
                    found.Add($"{Path.GetFileName(dir)}: {cmdline}");
                }
            }
            catch (IOException)
            {
                // It exited while we looked.
            }
        }

        return found;
    }

    /// <summary>The run survives JSON, and the report made from it has its section, notes, systems and plots.</summary>
    private static void AssertReport(BenchRun run, string section, string? plot, string? secondPlot)
    {
        using var dir = new TempDirectory();
        ResultStore.Save(run, dir.Path);
        Assert.True(File.Exists(Path.Combine(dir.Path, $"{run.Experiment}.json")));
        var loaded = Assert.Single(ResultStore.Load(dir.Path));
        Assert.Equal(run.Systems, loaded.Systems);

        var report = ResultStore.WriteReport(dir.Path, dir.Path);
        var markdown = File.ReadAllText(report.MarkdownPath);
        Assert.Contains("## Machine", markdown, StringComparison.Ordinal);
        Assert.Contains($"## 1. {run.DisplayTitle}", markdown, StringComparison.Ordinal);
        Assert.Contains(section, markdown, StringComparison.Ordinal);
        Assert.Contains("**Notes**", markdown, StringComparison.Ordinal);
        Assert.Contains($"Systems: {string.Join(", ", run.Systems)}", markdown, StringComparison.Ordinal);
        Assert.All(report.PlotPaths, p => Assert.True(new FileInfo(p).Length > 0, $"{p} is empty"));
        foreach (var name in new[] { plot, secondPlot }.OfType<string>())
        {
            Assert.Contains(report.PlotPaths, p => Path.GetFileName(p).Contains(name, StringComparison.Ordinal));
        }
    }
}
