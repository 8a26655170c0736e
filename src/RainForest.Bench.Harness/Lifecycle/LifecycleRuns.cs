using System.Globalization;
using RainForest.Bench.Report;
using RainForest.Supervisor.Bench;

namespace RainForest.Bench.Harness.Lifecycle;

/// <summary>Turns the lifecycle benchmark's results into a run for the report.</summary>
public static class LifecycleRuns
{
    /// <summary>Title of the run in the report.</summary>
    public const string Title = "Creating, destroying and resizing subOSes";

    /// <summary>
    /// A run holding one row per measured operation (milliseconds), with RainForest's number from the paper's
    /// Table 4 beside it and LXC's in the note.
    /// </summary>
    public static BenchRun ToBenchRun(IReadOnlyList<LifecycleResult> results, int repetitions, BenchRun header)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(header);
        var rows = results.Select(r => new TableRow
        {
            System = SystemNames.Cell,
            Operation = r.Operation,
            Median = r.MedianMs,
            P99 = r.Samples > 0 ? r.P99Ms : null,
            Count = r.Samples,
            PaperValue = r.PaperRainForestMs,
            Unit = "ms",
            Note = Note(r),
        }).ToList();
        return header with
        {
            Experiment = BenchHarness.Lifecycle,
            Title = Title,
            Paper = "Table 4",
            Description =
                "Each operation on a subOS of a temporary supervisor, measured in-process to the moment the change is in effect " +
                "(the agent serves, the kernel has moved the busy threads, the memory limit reads back). " +
                "'Paper' is RainForest's value in Table 4 (2.6.32 kernel patches on an S-A server), converted to ms.",
            Parameters = new Dictionary<string, string>(header.Parameters, StringComparer.Ordinal)
            {
                ["repetitions"] = repetitions.ToString(CultureInfo.InvariantCulture),
            },
            Rows = rows,
            Notes = [.. header.Notes, "LXC side by side is not measured by this experiment; the paper's LXC values are in each row's note."],
        };
    }

    private static string Note(LifecycleResult r)
    {
        List<string> parts = [r.Note];
        if (r.Samples > 0)
        {
            parts.Add($"max {r.MaxMs.ToString("0.##", CultureInfo.InvariantCulture)} ms");
        }

        if (r.PaperLxcMs is { } lxc)
        {
            parts.Add($"paper LXC {lxc.ToString("0.##", CultureInfo.InvariantCulture)} ms");
        }

        if (r.TargetMs is { } target)
        {
            parts.Add($"target {target.ToString("0.##", CultureInfo.InvariantCulture)} ms");
        }

        return string.Join("; ", parts);
    }
}
