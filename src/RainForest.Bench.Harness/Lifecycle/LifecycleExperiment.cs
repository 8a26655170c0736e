using RainForest.Bench.Harness.Systems;
using RainForest.Bench.Report;
using RainForest.Supervisor.Bench;

namespace RainForest.Bench.Harness.Lifecycle;

/// <summary>
/// The lifecycle benchmark (paper Table 4) on a temporary supervisor of its own, so that it needs no
/// initialised installation and leaves nothing behind.
/// </summary>
internal sealed class LifecycleExperiment : Experiment
{
    /// <inheritdoc />
    public override string Name => BenchHarness.Lifecycle;

    /// <summary>Repetitions of each operation, by mode.</summary>
    internal static int Repetitions(BenchOptions options) => options.Repetitions ?? options.Mode switch
    {
        BenchMode.Smoke => 2,
        BenchMode.Quick => 20,
        _ => 100,
    };

    /// <inheritdoc />
    /// <summary>
    /// LXC beside the cells (paper Table 4): an lxc-execute container on one CPU until <c>true</c> has run
    /// inside through lxc-attach, and its destruction. Fewer repetitions: LXC takes far longer per start.
    /// </summary>
    private static List<TableRow> MeasureLxc(BenchSession session, int repetitions)
    {
        var create = new List<double>();
        var destroy = new List<double>();
        using var lxc = new LxcSystem(session.RunId, TimeSpan.FromMinutes(2));
        for (var i = 0; i < repetitions; i++)
        {
            session.Cancellation.ThrowIfCancellationRequested();
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

            session.Progress("lifecycle: lxc create, destroy", (i + 1.0) / repetitions);
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

    public override Task<BenchRun> RunAsync(BenchSession session)
    {
        var repetitions = Repetitions(session.Options);
        if (repetitions < 1)
        {
            throw Core.RfException.Invalid("--repetitions must be at least 1");
        }

        // The benchmark is synchronous and long: keep it off the caller's thread.
        return Task.Factory.StartNew(() =>
        {
            using var cells = new CellSystem(session.RunId);
            session.Note(cells.Description);
            var results = new LifecycleBenchmark(cells.Supervisor, repetitions, (phase, fraction) =>
            {
                session.Cancellation.ThrowIfCancellationRequested();
                session.Progress($"lifecycle: {phase}", fraction);
            }).Run();
            var header = new BenchRun { Experiment = Name, Machine = session.Machine };
            var run = LifecycleRuns.ToBenchRun(results, repetitions, header);
            var wantLxc = session.Options.Systems is null || session.Options.Systems.Contains(SystemNames.Lxc);
            if (!wantLxc || !LxcSystem.IsInstalled)
            {
                session.Note(wantLxc ? "lxc: not installed (apt-get install lxc), so LXC's create and destroy were not measured." : "lxc: not asked for.");
                return session.Complete(run, [SystemNames.Cell]);
            }

            run = run with { Rows = [.. run.Rows, .. MeasureLxc(session, Math.Min(repetitions, 10))] };
            return session.Complete(run, [SystemNames.Cell, SystemNames.Lxc]);
        }, session.Cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
