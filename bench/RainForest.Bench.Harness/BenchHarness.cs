using RainForest.Bench.Harness.Colocate;
using RainForest.Bench.Harness.Elastic;
using RainForest.Bench.Harness.Interference;
using RainForest.Bench.Harness.Lifecycle;
using RainForest.Bench.Harness.Micro;
using RainForest.Bench.Report;
using RainForest.Core;

namespace RainForest.Bench.Harness;

/// <summary>
/// Runs the experiments of <c>rfm bench</c> on this machine: each sets up the systems it compares (plain Linux,
/// RainForest cells, LXC where installed), measures, removes everything it made (also when cancelled or when a
/// measurement fails) and returns a <see cref="BenchRun"/> for the report.
/// </summary>
public static class BenchHarness
{
    /// <summary>The micro-benchmarks (paper Fig. 3a and 6).</summary>
    public const string Micro = "micro";

    /// <summary>The interference matrix (paper Fig. 7).</summary>
    public const string Interference = "interference";

    /// <summary>memcached colocated with batch jobs, and its load sweep (paper Fig. 8, Fig. 9, Table 5).</summary>
    public const string Colocate = "colocate";

    /// <summary>Create, destroy and resize latency (paper Table 4).</summary>
    public const string Lifecycle = "lifecycle";

    /// <summary>The agility experiment: CPUs moved between memcached and batch jobs as a trace's load changes (paper Fig. 10, Fig. 11, Table 5).</summary>
    public const string Elastic = "elastic";

    /// <summary>Every experiment, in the report's order.</summary>
    public static IReadOnlyList<string> Experiments { get; } = [Micro, Interference, Colocate, Lifecycle];

    /// <summary>Runs one experiment.</summary>
    /// <param name="experiment">One of <see cref="Experiments"/>.</param>
    /// <param name="options">Mode, systems and overrides.</param>
    /// <param name="observer">Receives progress and remarks; null for none.</param>
    /// <param name="cancellationToken">Stops the experiment; everything it made is removed before the task ends.</param>
    /// <exception cref="RfException">Invalid options (exit code 2) or a failure that stopped the whole experiment.</exception>
    /// <exception cref="OperationCanceledException">It was cancelled.</exception>
    public static Task<BenchRun> RunAsync(string experiment, BenchOptions options, IBenchObserver? observer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Experiment chosen = experiment switch
        {
            Micro => new MicroExperiment(),
            Interference => new InterferenceExperiment(),
            Colocate => new ColocateExperiment(),
            Lifecycle => new LifecycleExperiment(),
            Elastic => new ElasticExperiment(),
            _ => throw RfException.Invalid($"unknown experiment '{experiment}' (expected {string.Join(", ", Experiments)}, {Elastic})"),
        };

        // The agility experiment compares systems of its own (linux, static, threshold, slack) and checks them itself.
        if (chosen is not ElasticExperiment)
        {
            SystemSet.Requested(options);
        }

        return chosen.RunAsync(new BenchSession(options, observer ?? NullObserver.Instance, cancellationToken));
    }
}
