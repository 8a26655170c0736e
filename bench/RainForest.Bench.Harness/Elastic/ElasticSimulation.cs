using RainForest.Controller;
using RainForest.Controller.Model;
using RainForest.Core.Elastic;

namespace RainForest.Bench.Harness.Elastic;

/// <summary>
/// <c>rfm bench elastic --simulate</c>: the same policies against the controller library's deterministic queueing
/// model of the LC service (<see cref="ElasticModel"/>) on a machine of any size, in seconds.
/// </summary>
internal static class ElasticSimulation
{
    /// <summary>The systems the model has: no unpartitioned Linux.</summary>
    public static IReadOnlyList<string> Systems { get; } = [ElasticSystems.Static, ElasticSystems.Threshold, ElasticSystems.Slack, ElasticSystems.SlackIdle];

    /// <summary>Runs each of <paramref name="systems"/> the model has on <paramref name="trace"/> with <paramref name="cores"/> cores.</summary>
    public static IReadOnlyList<SystemRun> Run(RateTrace trace, int cores, double sloMs, IReadOnlyList<string> systems, out ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(trace);
        options = ModelOptions.ForMachine(cores) with { Slo = new LatencySlo(99, TimeSpan.FromMilliseconds(sloMs)) };
        List<SystemRun> runs = [];
        foreach (var system in systems.Where(Systems.Contains))
        {
            var (kind, model) = system switch
            {
                ElasticSystems.Threshold => ((PolicyKind?)PolicyKind.Threshold, ModelSystem.Threshold),
                ElasticSystems.Slack or ElasticSystems.SlackIdle => (PolicyKind.Slack, ModelSystem.Slack),
                _ => (null, ModelSystem.Static),
            };
            var policy = kind is { } k ? ElasticController.CreatePolicy(ElasticModel.DefaultSpec(k, options) with { IdleShare = system == ElasticSystems.SlackIdle }) : null;
            var result = ElasticModel.Run(trace, options, model, policy);
            var window = options.ReportWindow;
            runs.Add(new SystemRun
            {
                System = system,
                Windows = [.. result.Windows.Select(w => new WindowRecord((w.Start + window).TotalSeconds, (long)Math.Round(w.Rate * window.TotalSeconds), w.Requests,
                    w.P50.TotalMilliseconds, w.P99.TotalMilliseconds, w.P999.TotalMilliseconds, w.TakerCpus, w.DonorQuota is { } q ? Math.Min(q, w.DonorCpus) : w.DonorCpus))],
                P50Ms = result.P50.TotalMilliseconds,
                P99Ms = result.P99.TotalMilliseconds,
                P999Ms = result.P999.TotalMilliseconds,
                BatchFinished = result.BatchJobs,
                Moves = result.Moves,
                Throughput = result.Requests / trace.Duration.TotalSeconds,
            });
        }

        return runs;
    }
}
