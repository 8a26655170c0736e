using RainForest.Bench.Harness.Elastic;
using RainForest.Bench.Load;
using RainForest.Controller.Model;
using RainForest.Bench.Report;
using RainForest.Core;

namespace RainForest.Bench.Harness.Tests;

/// <summary>The agility experiment's parts that need no machine: trace, jobs, windows, table and charts.</summary>
public sealed class ElasticTests
{
    [Fact]
    public void TraceReader_Default_TheControllerLibrarysTraceOfRampsAndBursts()
    {
        var profile = new ControllerTraceReader().Read(null);

        Assert.Equal(RateTrace.Default.MaxRate, profile.MaxRate);
        Assert.Equal(RateTrace.Default.Duration, profile.Duration);
        Assert.Equal(RateTrace.Default.MeanRate, profile.MeanRate, 6);
        Assert.True(profile.Duration >= TimeSpan.FromMinutes(5), $"{profile.Duration}");
        // Bursts: the rate at least doubles within a few seconds somewhere.
        Assert.Contains(profile.Points.Zip(profile.Points.Skip(1)), pair => pair.Second.Rate >= 2 * pair.First.Rate && pair.Second.Seconds - pair.First.Seconds <= 5);
    }

    [Fact]
    public void TraceReader_File_ReadsItsPoints()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "t.csv");
        File.WriteAllText(path, "seconds,requests_per_second\n0,1000\n30,5000\n60,1000\n");

        var trace = new ControllerTraceReader().Read(path);

        Assert.Equal([new RatePoint(0, 1000), new RatePoint(30, 5000), new RatePoint(60, 1000)], trace.Points);
        Assert.Equal("t.csv", new ControllerTraceReader().Describe(path));
    }

    [Theory]
    [InlineData("0,100\nsoon,200\n", "--trace T:2: expected seconds,requests_per_second (two numbers, 0 or more), got 'soon,200'")]
    [InlineData("0,100\n10,100\n5,200\n", "--trace T:3: times start at 0 and increase (5 follows 10)")]
    [InlineData("0,0\n10,0\n", "--trace T: A rate profile needs a rate above zero somewhere.")]
    public void TraceReader_BadFile_InvalidInputNamingTheProblem(string text, string expected)
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "t.csv");
        File.WriteAllText(path, text);

        var e = Assert.Throws<RfException>(() => new ControllerTraceReader().Read(path));

        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.Equal(expected.Replace("T", path, StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public void Replay_QuickMode_ScaledToThePeakAndTheLength()
    {
        var trace = new RateProfile([new RatePoint(0, 0.5), new RatePoint(300, 1), new RatePoint(600, 0.25)]);
        var settings = ElasticSettings.For(new BenchOptions { Mode = BenchMode.Quick, Rate = 8000 });

        var replay = ElasticExperiment.Replay(trace, settings);

        Assert.Equal([new RatePoint(0, 4000), new RatePoint(45, 8000), new RatePoint(90, 2000)], replay.Points);
    }

    [Fact]
    public void Replay_FullMode_PlaysTheTraceAtItsOwnLength()
    {
        var trace = new RateProfile([new RatePoint(0, 100), new RatePoint(600, 200)]);

        var replay = ElasticExperiment.Replay(trace, ElasticSettings.For(new BenchOptions { Mode = BenchMode.Full, Rate = 1000 }));

        Assert.Equal([new RatePoint(0, 500), new RatePoint(600, 1000)], replay.Points);
    }

    [Fact]
    public void Jobs_Default_EveryJobHasAProgramAndAName()
    {
        var jobs = BatchJobList.Read(null);

        Assert.Contains(jobs, j => j.Programs.SequenceEqual(["stress-ng"]));
        Assert.Contains(jobs, j => j.Programs.SequenceEqual(["seq", "xz"]));
        Assert.Contains(jobs, j => j.Programs.SequenceEqual(["sysbench"]));
        Assert.Equal(jobs.Count, jobs.Select(j => j.Name).Distinct().Count());
    }

    [Theory]
    [InlineData("just a command\n", "--jobs F: line 1 is not 'name: shell command' (names are letters, digits, '-', '_' and '.')")]
    [InlineData("a b: true\n", "--jobs F: line 1 is not 'name: shell command' (names are letters, digits, '-', '_' and '.')")]
    [InlineData("a: true\n# twice\na: false\n", "--jobs F: line 3: the job name 'a' is used twice")]
    [InlineData("# none\n\n", "--jobs F: no job in it")]
    public void Jobs_BadList_InvalidInput(string text, string expected)
    {
        var e = Assert.Throws<RfException>(() => BatchJobList.Parse(text, "F"));

        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void Jobs_Parse_NameAndShellCommand()
    {
        var jobs = BatchJobList.Parse("# mine\nzip: seq 1 10 | gzip -9 > /dev/null\n", "F");

        var job = Assert.Single(jobs);
        Assert.Equal(("zip", "seq 1 10 | gzip -9 > /dev/null"), (job.Name, job.Command));
        Assert.Equal(["seq", "gzip"], job.Programs);
    }

    [Theory]
    [InlineData(100, 100, 4.9, true)]
    [InlineData(100, 100, 5.0, true)]
    [InlineData(100, 100, 5.1, false)]
    [InlineData(100, 0, 0, false)]
    public void Window_Meets_P99WithinSloOrNothingAnswered(long offered, long completed, double p99, bool expected)
    {
        Assert.Equal(expected, new WindowRecord(1, offered, completed, 1, p99, p99, 1, 1).Meets(5));
    }

    [Fact]
    public void Window_NothingOfferedNothingAnswered_DoesNotCount()
    {
        Assert.Null(new WindowRecord(1, 0, 0, 0, 0, 0, 1, 1).Meets(5));
        Assert.Null(ElasticTable.WithinSlo([new WindowRecord(1, 0, 0, 0, 0, 0, 1, 1)], 5));
    }

    [Fact]
    public void Table_OneRowPerSystemWithSloShareJobsAndMoves()
    {
        List<WindowRecord> windows = [W(1, 2, 1), W(2, 9, 2), W(3, 4, 2), W(4, 3, 1)];
        var runs = new[]
        {
            Run("static", [W(1, 2, 1), W(2, 9, 1), W(3, 8, 1), W(4, 3, 1)], 40, 0),
            Run("slack", windows, 35, 3),
        };

        var table = ElasticTable.Table(runs, 5, "batch jobs finished");

        table.Validate();
        Assert.Equal(["static", "slack"], table.Rows.Select(r => r[0]));
        Assert.Equal("50.0%", table.Rows[0][4]);
        Assert.Equal("75.0%", table.Rows[1][4]);
        Assert.Equal(["40", "35"], table.Rows.Select(r => r[5]));
        Assert.Equal(["0", "3"], table.Rows.Select(r => r[6]));
        Assert.Equal(["1.00", "1.50"], table.Rows.Select(r => r[7]));
    }

    [Fact]
    public void Table_SeveralRounds_ARoundColumn()
    {
        var runs = new[] { Run("static", [W(1, 2, 1)], 40, 0), Run("static", [W(1, 9, 1)], 44, 0) with { Round = 2 } };

        var table = ElasticTable.Table(runs, 5, "batch jobs finished");

        table.Validate();
        Assert.Equal("round", table.Columns[1]);
        Assert.Equal(["1", "2"], table.Rows.Select(r => r[1]));
        Assert.Equal(["100.0%", "0.0%"], table.Rows.Select(r => r[5]));
    }

    [Fact]
    public void MedianTable_MediansAndBatchWorkAgainstStaticInTheSameRound()
    {
        List<WindowRecord> good = [W(1, 2, 1), W(2, 2, 1)];
        List<WindowRecord> half = [W(1, 2, 1), W(2, 9, 2)];
        var runs = new[]
        {
            Run("static", good, 40, 0), Run("static", good, 60, 0) with { Round = 2 }, Run("static", half, 50, 0) with { Round = 3 },
            Run("slack-idle", half, 48, 4), Run("slack-idle", good, 66, 2) with { Round = 2 }, Run("slack-idle", good, 45, 6) with { Round = 3 },
        };

        var table = ElasticTable.MedianTable(runs, 5, "batch jobs finished");

        table.Validate();
        Assert.Equal(["static", "slack-idle"], table.Rows.Select(r => r[0]));
        Assert.Equal(["3", "3"], table.Rows.Select(r => r[1]));
        Assert.Equal(["100.0%", "100.0%"], table.Rows.Select(r => r[4]));
        Assert.Equal(["50", "48"], table.Rows.Select(r => r[5]));

        // 48/40, 66/60 and 45/50: the median ratio is 1.10, though the median jobs (48) are below static's (50).
        Assert.Equal(["1.00x", "1.10x"], table.Rows.Select(r => r[6]));
        Assert.Equal("4", table.Rows[1][7]);
        Assert.Equal("50.0%, 100.0%, 100.0%", table.Rows[1][9]);
        Assert.Equal("48, 66, 45", table.Rows[1][10]);
    }

    [Fact]
    public void MedianTable_NoStatic_NoRatio()
    {
        var table = ElasticTable.MedianTable([Run("slack", [W(1, 2, 1)], 10, 1), Run("slack", [W(1, 2, 1)], 20, 1) with { Round = 2 }], 5, "jobs");

        Assert.Equal("–", table.Rows[0][6]);
        Assert.Equal("15", table.Rows[0][5]);
    }

    [Theory]
    [InlineData(new double[0], null)]
    [InlineData(new[] { 3.0 }, 3.0)]
    [InlineData(new[] { 5.0, 1.0, 3.0 }, 3.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5)]
    [InlineData(new[] { 1.0, double.NaN, 3.0 }, 2.0)]
    public void Median_MiddleValueOrMeanOfTheMiddleTwo(double[] values, double? expected) =>
        Assert.Equal(expected, ElasticTable.Median(values));

    [Theory]
    [InlineData(1, new[] { "a", "b", "c" })]
    [InlineData(2, new[] { "b", "c", "a" })]
    [InlineData(3, new[] { "c", "a", "b" })]
    [InlineData(4, new[] { "a", "b", "c" })]
    public void RoundOrder_TurnsByOnePlaceEachRound(int round, string[] expected) =>
        Assert.Equal(expected, ElasticExperiment.RoundOrder(["a", "b", "c"], round));

    [Fact]
    public void RoundOrder_RoundZero_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ElasticExperiment.RoundOrder(["a"], 0));

    [Theory]
    [InlineData(0, false, "--rounds must be 1 to 20")]
    [InlineData(21, false, "--rounds must be 1 to 20")]
    [InlineData(2, true, "--rounds goes with a run on this machine")]
    public void Check_BadRounds_InvalidInput(int rounds, bool simulate, string expected)
    {
        var e = Assert.Throws<RfException>(() => ElasticDefaults.Check(new BenchOptions { Rounds = rounds, Simulate = simulate }));

        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Charts_LatencyWithSloAndBand_CpusWithoutLinux_LoadFromOffered()
    {
        var runs = new[] { Run("linux", [W(1, 2, 1), W(2, 9, 1)], 10, 0), Run("threshold", [W(1, 2, 1), new WindowRecord(2, 100, 0, 0, 0, 0, 2, 0)], 8, 1) };

        var latency = ElasticTable.LatencyChart(runs, 5, [new ReferenceLine("ut 4 ms", 4)]);
        var cpus = ElasticTable.CpuChart(runs);
        var load = ElasticTable.LoadChart("offered", runs[0].Windows);

        latency.Validate();
        Assert.Equal(["SLO 5 ms", "ut 4 ms"], latency.References.Select(r => r.Label));
        // A window with no reply leaves a gap, not a zero.
        Assert.Equal([2.0, null], runs[1].Windows.Select(w => w.Completed > 0 ? w.P99Ms : (double?)null));
        Assert.Equal([2.0, null], latency.Series[1].Values);
        var only = Assert.Single(cpus.Series);
        Assert.Equal("threshold", only.Name);
        Assert.Equal([1.0, 1.0, 2.0], only.Values);
        Assert.True(cpus.Steps);
        Assert.Equal([100.0, 100.0], load.Series[0].Values);
    }

    [Fact]
    public void JobsChart_OnlySystemsThatRanJobs_StepsOfTheJobsAtEachWindowsEnd()
    {
        var runs = new[] { Run("slack-idle", [W(1, 2, 1) with { BatchJobs = 1 }, W(2, 2, 2) with { BatchJobs = 0 }], 10, 0), Run("model", [W(1, 2, 1)], 8, 1) };

        var jobs = ElasticTable.JobsChart(runs);

        jobs.Validate();
        var only = Assert.Single(jobs.Series);
        Assert.Equal("slack-idle", only.Name);
        Assert.Equal([1.0, 0.0], only.Values);
        Assert.True(jobs.Steps);
    }

    [Fact]
    public void QuotaChart_OnlySystemsThatSetOne_AGapWhileThereWasNone()
    {
        var runs = new[] { Run("slack", [W(1, 2, 1), W(2, 2, 1) with { BatchQuota = 0.75 }, W(3, 2, 1)], 10, 1), Run("static", [W(1, 2, 1)], 8, 0) };

        var quota = ElasticTable.QuotaChart(runs);

        quota.Validate();
        var only = Assert.Single(quota.Series);
        Assert.Equal("slack", only.Name);
        Assert.Equal([null, 0.75, null], only.Values);
    }

    [Theory]
    [InlineData(null, new[] { "linux", "static", "threshold", "slack", "slack-idle" })]
    [InlineData("slack,linux", new[] { "linux", "slack" })]
    public void Requested_Systems_InReportOrder(string? systems, string[] expected)
    {
        var options = new BenchOptions { Systems = systems?.Split(',') };

        Assert.Equal(expected, ElasticExperiment.Requested(options));
    }

    [Fact]
    public async Task Simulate_8Cores_EveryPolicyOnTheModel()
    {
        // 8 simulated CPUs keep the model's event count (and the test) small; the model's own tests cover determinism.
        var options = new BenchOptions { Simulate = true, Cores = 8, CommandLine = "test elastic --simulate --cores 8" };

        var run = await BenchHarness.RunAsync(BenchHarness.Elastic, options);

        Assert.Equal([ElasticSystems.Static, ElasticSystems.Threshold, ElasticSystems.Slack, ElasticSystems.SlackIdle], run.Systems);
        Assert.Contains(run.Notes, n => n.StartsWith("linux: not in the simulation", StringComparison.Ordinal));
        Assert.Equal("8", run.Parameters["simulated CPUs"]);
        var table = Assert.Single(run.Tables);
        Assert.Equal(run.Systems, table.Rows.Select(r => r[0]));
        // The static partition never moves; the policies do, on a trace with bursts.
        Assert.Equal("0", table.Rows[0][6]);
        Assert.All(table.Rows.Skip(1), r => Assert.NotEqual("0", r[6]));
        var cpus = run.TimeSeries.Single(c => c.Title.Contains("Fig. 11", StringComparison.Ordinal));
        Assert.Single(cpus.Series[0].Values.Distinct());
        Assert.True(cpus.Series[2].Values.Distinct().Count() > 1);
        var latency = run.TimeSeries.Single(c => c.Title.Contains("Fig. 10", StringComparison.Ordinal));
        Assert.Equal(["SLO 5 ms", "lt 4 ms", "ut 5 ms"], latency.References.Select(r => r.Label));
        Assert.All(latency.Series, s => Assert.True(s.Values.Count >= 500, $"{s.Name}: {s.Values.Count} windows"));
    }

    private static WindowRecord W(double end, double p99, double lc) => new(end, 100, 100, p99 / 2, p99, p99 * 2, lc, 2 - lc);

    private static SystemRun Run(string system, IReadOnlyList<WindowRecord> windows, double jobs, int moves) => new()
    {
        System = system,
        Windows = windows,
        P50Ms = 1,
        P99Ms = 5,
        P999Ms = 9,
        BatchFinished = jobs,
        Moves = moves,
    };
}
