using System.Globalization;
using RainForest.Bench.Report;
using RainForest.Cli;
using Spectre.Console;

namespace RainForest.Bench.Cli.Commands;

/// <summary>Prints the summary of a run for people: latency percentiles, matrices, tables and operations.</summary>
internal static class BenchPrinter
{
    public static void Print(BenchRun run)
    {
        AnsiConsole.MarkupLine($"[bold]{Output.Escape(run.DisplayTitle)}[/] ({Output.Escape(run.Paper ?? "")}), systems: {Output.Escape(string.Join(", ", run.Systems))}");
        if (run.Latencies.Count > 0)
        {
            var unit = run.Latencies[0].Unit;
            var u = unit.Symbol();
            var table = Output.Table("system", "measured", "samples", $"mean {u}", $"p50 {u}", $"p99 {u}", $"p99.9 {u}", $"max {u}");
            foreach (var s in run.Latencies)
            {
                string C(double v) => N(TimeUnits.Convert(v, s.Unit, unit));
                table.AddRow(Output.Escape(s.System), Output.Escape(s.Label), s.Count.ToString("N0", CultureInfo.InvariantCulture), C(s.Mean), C(s.P50), C(s.P99), C(s.P999), C(s.Max));
            }

            Output.Write(table);
        }

        foreach (var matrix in run.Matrices)
        {
            AnsiConsole.MarkupLine($"{Output.Escape(matrix.Title)} ({Output.Escape(matrix.System ?? "")}), {Output.Escape(matrix.Unit)}");
            var table = Output.Table([$"{matrix.RowAxis} \\ {matrix.ColumnAxis}", .. matrix.ColumnLabels]);
            for (var r = 0; r < matrix.RowLabels.Count; r++)
            {
                table.AddRow([Output.Escape(matrix.RowLabels[r]), .. matrix.Values[r].Select(v => v is { } x ? N(x) : "-")]);
            }

            Output.Write(table);
        }

        foreach (var result in run.Tables)
        {
            AnsiConsole.MarkupLine(Output.Escape(result.Title));
            var table = Output.Table([.. result.Columns]);
            foreach (var row in result.Rows)
            {
                table.AddRow([.. row.Select(Output.Escape)]);
            }

            Output.Write(table);
        }

        if (run.Rows.Count > 0)
        {
            var table = Output.Table("system", "operation", "runs", "median", "p99", "paper", "unit");
            foreach (var row in run.Rows)
            {
                table.AddRow(Output.Escape(row.System), Output.Escape(row.Operation), $"{row.Count}", N(row.Median), row.P99 is { } p ? N(p) : "-", row.PaperValue is { } v ? N(v) : "-", Output.Escape(row.Unit));
            }

            Output.Write(table);
        }
    }

    private static string N(double value) =>
        !double.IsFinite(value) ? "-" : value.ToString(Math.Abs(value) >= 100 ? "N0" : "0.##", CultureInfo.InvariantCulture);
}
