using System.Globalization;
using RainForest.Bench.Harness.Systems;
using RainForest.Bench.Report;

namespace RainForest.Bench.Harness.Lifecycle;

/// <summary>Turns the lifecycle benchmark's results into a run for the report.</summary>
public static class LifecycleRuns
{
    /// <summary>True when lxc-execute and lxc-attach are installed, so LXC can be measured beside the cells.</summary>
    public static bool LxcInstalled => LxcSystem.IsInstalled;

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
            System = r.System,
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

    /// <summary>
    /// LXC beside the cells (paper Table 4): an lxc-execute container on one CPU until <c>true</c> has run
    /// inside through lxc-attach, and its destruction. Fewer repetitions: LXC takes far longer per start.
    /// </summary>
    /// <param name="runId">Names the containers' cgroups (rf-lxc-RUN).</param>
    /// <param name="repetitions">Containers to start and destroy.</param>
    /// <param name="progress">Called with the completed fraction.</param>
    /// <param name="cancellation">Stops between repetitions.</param>
    /// <returns>Two rows (create, destroy) for the LXC system.</returns>
    public static IReadOnlyList<TableRow> MeasureLxc(string runId, int repetitions, Action<double> progress, CancellationToken cancellation)
    {
        var create = new List<double>();
        var destroy = new List<double>();
        using var lxc = new LxcSystem(runId, TimeSpan.FromMinutes(2));
        for (var i = 0; i < repetitions; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var instance = lxc.CreateInstance($"lc{i}", 1, Core.ByteSize.Parse("128M"));
            var result = instance.Start(new Programs.ProgramSpec(["true"], TimeSpan.FromSeconds(30))).Completion.GetAwaiter().GetResult();
            create.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            lxc.DestroyInstance(instance);
            destroy.Add(clock.Elapsed.TotalMilliseconds);
            if (result.ExitCode != 0)
            {
                throw Core.RfException.Failed($"lxc: 'true' inside the container exited {result.ExitCode}");
            }

            progress((i + 1.0) / repetitions);
        }

        return
        [
            Row("create (until a command runs)", create, 2100, "lxc-execute container on one CPU, then true through lxc-attach"),
            Row("destroy", destroy, null, "container stopped, cgroups removed"),
        ];
    }

    private static TableRow Row(string operation, List<double> samples, double? paper, string note)
    {
        var sorted = samples.Order().ToArray();
        return new TableRow
        {
            System = SystemNames.Lxc,
            Operation = operation,
            Median = sorted[sorted.Length / 2],
            P99 = sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(0.99 * sorted.Length) - 1)],
            Count = sorted.Length,
            PaperValue = paper,
            Unit = "ms",
            Note = note,
        };
    }
}
