using System.Globalization;
using System.Text;
using RainForest.Bench.Report.Plots;

namespace RainForest.Bench.Report;

/// <summary>
/// Writes <c>report.md</c> and its PNG plots from bench runs: a header with the machine, then one section per
/// run with its command line, notes (verbatim), tables and plots. Every run is reported the same way, whichever
/// system it favours.
/// </summary>
public static class ReportWriter
{
    /// <summary>The report's file name.</summary>
    public const string ReportFileName = "report.md";

    /// <summary>Reads the run files and writes the report into <paramref name="outputDirectory"/>.</summary>
    /// <exception cref="InvalidDataException">A file is not a bench run.</exception>
    public static ReportOutput WriteFromFiles(IEnumerable<string> runFiles, string outputDirectory, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runFiles);
        return Write(runFiles.Select(BenchJson.Load).ToList(), outputDirectory, options);
    }

    /// <summary>Writes the report for <paramref name="runs"/>, in the given order, into <paramref name="outputDirectory"/>.</summary>
    /// <exception cref="InvalidDataException">A run is malformed; the message names the part.</exception>
    public static ReportOutput Write(IEnumerable<BenchRun> runs, string outputDirectory, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        options ??= new ReportOptions();
        var list = runs.ToList();
        foreach (var run in list)
        {
            run.Validate();
        }

        var root = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(root);
        var writer = new Builder(root, options);
        writer.WriteHeader(list);
        for (var i = 0; i < list.Count; i++)
        {
            writer.WriteRun(list[i], i + 1, list.Select(r => r.Machine).Distinct().Count() > 1);
        }

        var markdownPath = Path.Combine(root, ReportFileName);
        File.WriteAllText(markdownPath, writer.Markdown.ToString());
        return new ReportOutput(markdownPath, writer.Plots);
    }

    /// <summary>Escapes text for a Markdown table cell: pipes escaped, line breaks folded.</summary>
    internal static string Cell(string? text) =>
        (text ?? "").Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    /// <summary>A file-name-safe slug: lower-case letters, digits and dashes.</summary>
    internal static string Slug(string text)
    {
        var builder = new StringBuilder();
        foreach (var ch in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(ch))
            {
                builder.Append(ch);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var slug = builder.ToString().Trim('-');
        return slug.Length == 0 ? "x" : slug.Length > 48 ? slug[..48].TrimEnd('-') : slug;
    }

    private sealed class Builder(string root, ReportOptions options)
    {
        private readonly HashSet<string> _plotNames = new(StringComparer.Ordinal);

        public StringBuilder Markdown { get; } = new();

        public List<string> Plots { get; } = [];

        public void WriteHeader(IReadOnlyList<BenchRun> runs)
        {
            var generated = options.GeneratedUtc ?? DateTimeOffset.UtcNow;
            Line($"# {options.Title}");
            Line();
            Line($"Generated {Time(generated)} from {runs.Count} run{(runs.Count == 1 ? "" : "s")}. " +
                 "Every run is shown as measured, whichever system it favours.");
            Line();
            Line("## Machine");
            Line();
            Line("| Host | CPU model | Cores | Threads | NUMA nodes | Memory | Kernel | cgroup |");
            Line("|---|---|---:|---:|---:|---:|---|---|");
            foreach (var m in runs.Select(r => r.Machine).Distinct())
            {
                Line($"| {Cell(m.Hostname)} | {Cell(m.CpuModel)} | {m.Cores} | {m.Threads} | {(m.NumaNodes > 0 ? m.NumaNodes.ToString(CultureInfo.InvariantCulture) : "–")} | " +
                     $"{NumberFormat.Bytes(m.MemoryBytes)} | {Cell(m.Kernel)} | {Cell(m.CgroupMode)} |");
            }

            Line();
            if (runs.Count > 1)
            {
                Line("## Runs");
                Line();
                for (var i = 0; i < runs.Count; i++)
                {
                    var run = runs[i];
                    var paper = run.Paper is null ? "" : $" ({run.Paper})";
                    Line($"{i + 1}. {run.DisplayTitle}{paper}, {Mode(run.Mode)}, systems: {string.Join(", ", run.Systems)}");
                }

                Line();
            }
        }

        public void WriteRun(BenchRun run, int number, bool showMachine)
        {
            var prefix = $"{number:00}-{Slug(run.Experiment)}";
            Line($"## {number}. {run.DisplayTitle}");
            Line();
            List<string> facts = [];
            if (run.Paper is not null)
            {
                facts.Add($"Paper: {run.Paper}");
            }

            facts.Add($"Experiment: `{run.Experiment}`");
            facts.Add($"Mode: {Mode(run.Mode)}");
            facts.Add($"Started: {Time(run.StartedUtc)}");
            if (run.FinishedUtc is { } finished)
            {
                facts.Add($"Duration: {NumberFormat.Value((finished - run.StartedUtc).TotalSeconds)} s");
            }

            if (run.Systems.Count > 0)
            {
                facts.Add($"Systems: {string.Join(", ", run.Systems)}");
            }

            if (showMachine)
            {
                facts.Add($"Machine: {run.Machine.Hostname}");
            }

            Line(string.Join(" · ", facts));
            Line();
            if (run.CommandLine is not null)
            {
                Line("Command:");
                Line();
                Line("```");
                Line(run.CommandLine);
                Line("```");
                Line();
            }

            if (!string.IsNullOrWhiteSpace(run.Description))
            {
                Line(run.Description.Trim());
                Line();
            }

            if (run.Notes.Count > 0)
            {
                Line("**Notes**");
                Line();
                foreach (var note in run.Notes)
                {
                    // Verbatim: continuation lines are indented so that they stay in the bullet, nothing else changes.
                    Line("- " + note.ReplaceLineEndings("\n  "));
                }

                Line();
            }

            if (run.Parameters.Count > 0)
            {
                Line("| Parameter | Value |");
                Line("|---|---|");
                foreach (var (key, value) in run.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    Line($"| {Cell(key)} | {Cell(value)} |");
                }

                Line();
            }

            WriteLatencies(run, prefix);
            WriteMatrices(run, prefix);
            WriteLoadCurves(run, prefix);
            WriteRows(run);
            WriteTables(run);
            WriteBars(run, prefix);
            WriteTimeSeries(run, prefix);
        }

        private void WriteTimeSeries(BenchRun run, string prefix)
        {
            foreach (var chart in run.TimeSeries)
            {
                Line($"### {chart.Title}");
                Line();
                var path = PlotPath(prefix, "time", chart.Title);
                BenchPlots.TimeSeries(chart, path, options.PlotWidth, options.PlotHeight);
                Image(chart.Title, path);
            }
        }

        private void WriteLatencies(BenchRun run, string prefix)
        {
            if (run.Latencies.Count == 0)
            {
                return;
            }

            Line("### Latency");
            Line();
            foreach (var group in run.Latencies.GroupBy(s => s.Group))
            {
                var series = group.ToList();
                var unit = series[0].Unit;
                var name = group.Key ?? run.DisplayTitle;
                if (group.Key is not null)
                {
                    Line($"#### {group.Key}");
                    Line();
                }

                var u = unit.Symbol();
                Line($"| System | Measured | Samples | Ops/s | Mean ({u}) | p50 ({u}) | p90 ({u}) | p99 ({u}) | p99.9 ({u}) | Max ({u}) |");
                Line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
                foreach (var s in series)
                {
                    double C(double v) => TimeUnits.Convert(v, s.Unit, unit);
                    var workers = s.Workers is > 1 ? $" ({s.Workers} workers)" : "";
                    Line($"| {Cell(s.System)} | {Cell(s.Label)}{workers} | {s.Count.ToString("N0", CultureInfo.InvariantCulture)} | {NumberFormat.Value(s.OpsPerSecond)} | " +
                         $"{NumberFormat.Value(C(s.Mean))} | {NumberFormat.Value(C(s.P50))} | {NumberFormat.Value(C(s.P90))} | {NumberFormat.Value(C(s.P99))} | " +
                         $"{NumberFormat.Value(C(s.P999))} | {NumberFormat.Value(C(s.Max))} |");
                }

                Line();
                var cdf = PlotPath(prefix, "cdf", group.Key);
                BenchPlots.LatencyCdf(series, cdf, $"{name}: latency CDF", unit, options.PlotWidth, options.PlotHeight);
                Image($"{name}: latency CDF", cdf);
                var tail = PlotPath(prefix, "tail", group.Key);
                BenchPlots.LatencyTail(series, tail, $"{name}: latency by percentile", unit, options.PlotWidth, options.PlotHeight);
                Image($"{name}: latency by percentile", tail);
            }

            var groups = run.Latencies.Select(s => s.Group ?? s.Label).Distinct().Count();
            if (groups > 1)
            {
                var unit = run.Latencies[0].Unit;
                var chart = BarChart.FromLatencies($"{run.DisplayTitle}: p99 latency", run.Latencies, LatencyStat.P99, unit);
                var path = PlotPath(prefix, "p99", null);
                BenchPlots.Bars(chart, path, options.PlotWidth, options.PlotHeight);
                Image(chart.Title, path);
            }
        }

        private void WriteMatrices(BenchRun run, string prefix)
        {
            foreach (var matrix in run.Matrices)
            {
                var title = matrix.System is null ? matrix.Title : $"{matrix.Title} ({matrix.System})";
                Line($"### {title}");
                Line();
                var corner = matrix.RowAxis.Length > 0 || matrix.ColumnAxis.Length > 0 ? $"{matrix.RowAxis} \\ {matrix.ColumnAxis}" : "";
                Line($"| {Cell(corner)} | {string.Join(" | ", matrix.ColumnLabels.Select(Cell))} |");
                Line($"|---|{string.Concat(matrix.ColumnLabels.Select(_ => "---:|"))}");
                for (var r = 0; r < matrix.RowLabels.Count; r++)
                {
                    Line($"| {Cell(matrix.RowLabels[r])} | {string.Join(" | ", matrix.Values[r].Select(NumberFormat.Value))} |");
                }

                Line();
                Line($"Values in {matrix.Unit}.");
                Line();
                var path = PlotPath(prefix, "heatmap", $"{matrix.Title}-{matrix.System}");
                BenchPlots.Heatmap(matrix, path, options.PlotWidth, options.PlotHeight);
                Image(title, path);
            }
        }

        private void WriteLoadCurves(BenchRun run, string prefix)
        {
            if (run.LoadCurves.Count == 0)
            {
                return;
            }

            Line("### Latency against load");
            Line();
            foreach (var group in run.LoadCurves.GroupBy(c => c.Group))
            {
                var curves = group.ToList();
                var name = group.Key ?? run.DisplayTitle;
                if (group.Key is not null)
                {
                    Line($"#### {group.Key}");
                    Line();
                }

                foreach (var curve in curves)
                {
                    var u = curve.Unit.Symbol();
                    Line($"**{curve.System}**" + (options.LatencyLimit is { } limit
                        ? $": highest rate with p99 within {NumberFormat.Value(limit)} {u}: {NumberFormat.Value(curve.MaxRateWithin(limit))} {curve.RateUnit}"
                        : ""));
                    Line();
                    Line($"| Offered ({curve.RateUnit}) | Achieved ({curve.RateUnit}) | p50 ({u}) | p99 ({u}) | p99.9 ({u}) | CPU |");
                    Line("|---:|---:|---:|---:|---:|---:|");
                    foreach (var p in curve.Points.OrderBy(p => p.OfferedRate))
                    {
                        var cpu = p.CpuUtilization is { } c ? (c * 100).ToString("F1", CultureInfo.InvariantCulture) + "%" : "–";
                        Line($"| {NumberFormat.Value(p.OfferedRate)} | {NumberFormat.Value(p.AchievedRate)} | {NumberFormat.Value(p.P50)} | " +
                             $"{NumberFormat.Value(p.P99)} | {NumberFormat.Value(p.P999)} | {cpu} |");
                    }

                    Line();
                }

                var path = PlotPath(prefix, "load", group.Key);
                BenchPlots.LoadCurves(curves, path, $"{name}: p99 latency against load", LatencyStat.P99, options.LatencyLimit,
                    options.PlotWidth, options.PlotHeight);
                Image($"{name}: p99 latency against load", path);
            }
        }

        private void WriteRows(BenchRun run)
        {
            if (run.Rows.Count == 0)
            {
                return;
            }

            Line("### Operations");
            Line();
            Line("| System | Operation | Median | p99 | Mean | Runs | Paper | Unit | Note |");
            Line("|---|---|---:|---:|---:|---:|---:|---|---|");
            foreach (var row in run.Rows)
            {
                Line($"| {Cell(row.System)} | {Cell(row.Operation)} | {NumberFormat.Value(row.Median)} | {NumberFormat.Value(row.P99)} | " +
                     $"{NumberFormat.Value(row.Mean)} | {row.Count?.ToString(CultureInfo.InvariantCulture) ?? "–"} | {NumberFormat.Value(row.PaperValue)} | " +
                     $"{Cell(row.Unit)} | {Cell(row.Note)} |");
            }

            Line();
        }

        private void WriteTables(BenchRun run)
        {
            foreach (var table in run.Tables)
            {
                Line($"### {table.Title}");
                Line();
                Line($"| {string.Join(" | ", table.Columns.Select(Cell))} |");
                Line($"|{string.Concat(table.Columns.Select(_ => "---|"))}");
                foreach (var row in table.Rows)
                {
                    Line($"| {string.Join(" | ", row.Select(Cell))} |");
                }

                Line();
            }
        }

        private void WriteBars(BenchRun run, string prefix)
        {
            foreach (var chart in run.Bars)
            {
                Line($"### {chart.Title}");
                Line();
                Line($"| {Cell(chart.ValueAxis)} | {string.Join(" | ", chart.Series.Select(s => Cell(s.Name)))} |");
                Line($"|---|{string.Concat(chart.Series.Select(_ => "---:|"))}");
                for (var c = 0; c < chart.Categories.Count; c++)
                {
                    Line($"| {Cell(chart.Categories[c])} | {string.Join(" | ", chart.Series.Select(s => NumberFormat.Value(s.Values[c])))} |");
                }

                Line();
                var path = PlotPath(prefix, "bars", chart.Title);
                BenchPlots.Bars(chart, path, options.PlotWidth, options.PlotHeight);
                Image(chart.Title, path);
            }
        }

        private string PlotPath(string prefix, string kind, string? name)
        {
            var stem = name is null ? $"{prefix}-{kind}" : $"{prefix}-{kind}-{Slug(name)}";
            var file = stem + ".png";
            for (var i = 2; !_plotNames.Add(file); i++)
            {
                file = $"{stem}-{i}.png";
            }

            return Path.Combine(root, options.PlotDirectoryName, file);
        }

        private void Image(string alt, string path)
        {
            Plots.Add(path);
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            Line($"![{alt.Replace("]", ")", StringComparison.Ordinal).Replace("[", "(", StringComparison.Ordinal)}]({relative})");
            Line();
        }

        private void Line(string text = "") => Markdown.Append(text).Append('\n');

        private static string Time(DateTimeOffset time) =>
            time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

        private static string Mode(BenchMode mode) => mode.ToString().ToLowerInvariant();
    }
}
