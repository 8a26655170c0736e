using RainForest.Bench.Harness.Systems;
using RainForest.Bench.Report;

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

            var lxcRows = LifecycleRuns.MeasureLxc(session.RunId, Math.Min(repetitions, 10), f => session.Progress("lifecycle: lxc create, destroy", f), session.Cancellation);
            run = run with { Rows = [.. run.Rows, .. lxcRows] };
            return session.Complete(run, [SystemNames.Cell, SystemNames.Lxc]);
        }, session.Cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
