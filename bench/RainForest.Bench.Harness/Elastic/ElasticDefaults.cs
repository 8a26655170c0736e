namespace RainForest.Bench.Harness.Elastic;

/// <summary>The agility experiment's defaults that its command line shows.</summary>
public static class ElasticDefaults
{
    /// <summary>The trace's peak on this kind of machine, requests per second.</summary>
    public const double PeakRate = 10_000;

    /// <summary>The service level: p99 per window, milliseconds.</summary>
    public const double SloMs = 5;

    /// <summary>The most rounds <c>--rounds</c> takes (each runs every system once).</summary>
    public const int MaxRounds = 20;

    /// <summary>Checks every option of <c>rfm bench elastic</c> before anything is made.</summary>
    /// <exception cref="Core.RfException">An option is invalid (exit code 2).</exception>
    public static void Check(BenchOptions options) => ElasticExperiment.Validate(options, new ControllerTraceReader());
}
