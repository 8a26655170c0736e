using System.Globalization;
using RainForest.Bench.Report;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>The experiment's Table 5 and its figures, from each system's run.</summary>
internal static class ElasticTable
{
    /// <summary>The share of counted windows that met the SLO, 0 to 100; null when no window counted.</summary>
    public static double? WithinSlo(IReadOnlyList<WindowRecord> windows, double sloMs)
    {
        var counted = windows.Select(w => w.Meets(sloMs)).OfType<bool>().ToList();
        return counted.Count == 0 ? null : 100.0 * counted.Count(m => m) / counted.Count;
    }

    /// <summary>The mean of the LC subOS's CPUs over the windows.</summary>
    public static double? MeanLcCpus(IReadOnlyList<WindowRecord> windows) => windows.Count == 0 ? null : windows.Average(w => w.LcCpus);

    /// <summary>
    /// Table 5: overall p50, p99, p99.9, windows within the SLO, batch jobs finished and moves, one row per system's
    /// run (with a round column when there was more than one round).
    /// </summary>
    public static ResultTable Table(IReadOnlyList<SystemRun> runs, double sloMs, string batchUnit)
    {
        var rounds = runs.Any(r => r.Round > 1);
        return new ResultTable
        {
            Title = $"LC tail latency and batch work per system (cf. Table 5); SLO p99 <= {F(sloMs)} ms per window" + (rounds ? ", every round" : ""),
            Columns = [.. (string[])["system"], .. rounds ? ["round"] : (string[])[],
                "p50 (ms)", "p99 (ms)", "p99.9 (ms)", "windows within SLO", batchUnit, "moves", "mean LC CPUs", "throughput (req/s)", "errors + timeouts"],
            Rows = [.. runs.Select(r => (IReadOnlyList<string>)
            [
                r.System, .. rounds ? [r.Round.ToString(CultureInfo.InvariantCulture)] : (string[])[],
                F(r.P50Ms), F(r.P99Ms), F(r.P999Ms), Percent(WithinSlo(r.Windows, sloMs)),
                r.BatchFinished.ToString("0.#", CultureInfo.InvariantCulture), r.Moves.ToString(CultureInfo.InvariantCulture), F(MeanLcCpus(r.Windows)),
                F(r.Throughput), r.Failed?.ToString(CultureInfo.InvariantCulture) ?? "–",
            ])],
        };
    }

    /// <summary>
    /// Table 5 over rounds: each system's medians, its batch work against the static partition's in the same round
    /// (the median of the per-round ratios: a machine that changes speed between rounds moves both), and every
    /// round's value of the two goal columns.
    /// </summary>
    public static ResultTable MedianTable(IReadOnlyList<SystemRun> runs, double sloMs, string batchUnit)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var statics = runs.Where(r => r.System == ElasticSystems.Static).ToDictionary(r => r.Round, r => r.BatchFinished);
        return new ResultTable
        {
            Title = $"Medians over the rounds (cf. Table 5); SLO p99 <= {F(sloMs)} ms per window",
            Columns = ["system", "rounds", "p99 (ms)", "p99.9 (ms)", "windows within SLO", batchUnit, "vs static, same round", "moves", "mean LC CPUs",
                "windows within SLO, per round", batchUnit + ", per round"],
            Rows = [.. runs.GroupBy(r => r.System).Select(g =>
            {
                var ordered = g.OrderBy(r => r.Round).ToList();
                var within = ordered.Select(r => WithinSlo(r.Windows, sloMs)).ToList();
                var ratios = ordered.Where(r => statics.TryGetValue(r.Round, out var s) && s > 0).Select(r => r.BatchFinished / statics[r.Round]).ToList();
                return (IReadOnlyList<string>)
                [
                    g.Key, ordered.Count.ToString(CultureInfo.InvariantCulture),
                    F(Median(ordered.Select(r => r.P99Ms))), F(Median(ordered.Select(r => r.P999Ms))),
                    Percent(Median(within.OfType<double>())),
                    Median(ordered.Select(r => r.BatchFinished)) is { } jobs ? jobs.ToString("0.#", CultureInfo.InvariantCulture) : "–",
                    Median(ratios) is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "–",
                    Median(ordered.Select(r => (double)r.Moves)) is { } moves ? moves.ToString("0.#", CultureInfo.InvariantCulture) : "–",
                    F(Median(ordered.Select(r => MeanLcCpus(r.Windows)).OfType<double>())),
                    string.Join(", ", within.Select(Percent)),
                    string.Join(", ", ordered.Select(r => r.BatchFinished.ToString("0.#", CultureInfo.InvariantCulture))),
                ];
            })],
        };
    }

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two of an even count); null when there are none.</summary>
    public static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToList();
        return sorted.Count == 0 ? null : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Percent(double? p) => p is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) + "%" : "–";

    private static string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString(Math.Abs(x) >= 100 ? "0" : Math.Abs(x) >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture) : "–";

    /// <summary>Fig. 10: each system's p99 per window, with the SLO (and the threshold policy's band) as dashed lines.</summary>
    public static TimeSeriesChart LatencyChart(IReadOnlyList<SystemRun> runs, double sloMs, IReadOnlyList<ReferenceLine> band) => new()
    {
        Title = "LC p99 latency per window (cf. Fig. 10)",
        ValueAxis = "p99 latency (ms)",
        LogScale = true,
        Series = [.. runs.Select(r => new TimeSeries(r.System, [.. r.Windows.Select(w => w.EndSeconds)], [.. r.Windows.Select(w => w.Completed > 0 ? w.P99Ms : (double?)null)]))],
        References = [new ReferenceLine($"SLO {F2(sloMs)} ms", sloMs), .. band],
    };

    /// <summary>Fig. 11: the CPUs the LC subOS owned over time, for each partitioned system.</summary>
    public static TimeSeriesChart CpuChart(IReadOnlyList<SystemRun> runs) => new()
    {
        Title = "CPUs owned by the LC subOS over time (cf. Fig. 11)",
        ValueAxis = "CPUs",
        Steps = true,
        Series = [.. runs.Where(r => r.System != ElasticSystems.Linux)
            .Select(r => new TimeSeries(r.System, [0, .. r.Windows.Select(w => w.EndSeconds)], [r.Windows.Count > 0 ? r.Windows[0].LcCpus : null, .. r.Windows.Select(w => (double?)w.LcCpus)]))],
    };

    /// <summary>The batch jobs running at each window's end, for each system that ran them.</summary>
    public static TimeSeriesChart JobsChart(IReadOnlyList<SystemRun> runs) => new()
    {
        Title = "Batch jobs running at a time",
        ValueAxis = "jobs",
        Steps = true,
        Series = [.. runs.Where(r => r.Windows.Any(w => w.BatchJobs is not null))
            .Select(r => new TimeSeries(r.System, [.. r.Windows.Select(w => w.EndSeconds)], [.. r.Windows.Select(w => (double?)w.BatchJobs)]))],
    };

    /// <summary>The batch's CPU quota at each window's end (a gap while it had none), for each system that ever set one.</summary>
    public static TimeSeriesChart QuotaChart(IReadOnlyList<SystemRun> runs) => new()
    {
        Title = "Batch CPU quota (CPUs; none: a gap)",
        ValueAxis = "CPUs",
        Steps = true,
        Series = [.. runs.Where(r => r.Windows.Any(w => w.BatchQuota is not null))
            .Select(r => new TimeSeries(r.System, [.. r.Windows.Select(w => w.EndSeconds)], [.. r.Windows.Select(w => w.BatchQuota)]))],
    };

    /// <summary>The offered load over time (the trace as replayed).</summary>
    public static TimeSeriesChart LoadChart(string system, IReadOnlyList<WindowRecord> windows)
    {
        List<double?> rates = [];
        for (var i = 0; i < windows.Count; i++)
        {
            var length = windows[i].EndSeconds - (i == 0 ? 0 : windows[i - 1].EndSeconds);
            rates.Add(length > 0 ? windows[i].Offered / length : null);
        }

        return new TimeSeriesChart
        {
            Title = "Offered load over time (the trace as replayed)",
            ValueAxis = "offered load (req/s)",
            Series = [new TimeSeries(system, [.. windows.Select(w => w.EndSeconds)], rates)],
        };
    }

    private static string F2(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
