using RainForest.Bench.Report;

namespace RainForest.Bench.Harness;

/// <summary>One experiment of the evaluation.</summary>
internal abstract class Experiment
{
    /// <summary>Its name on the command line and in result files.</summary>
    public abstract string Name { get; }

    /// <summary>Runs it: sets the systems up, measures, removes everything, and returns what it measured.</summary>
    public abstract Task<BenchRun> RunAsync(BenchSession session);
}
