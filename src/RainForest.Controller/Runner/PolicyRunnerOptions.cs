using RainForest.Controller.Policies;

namespace RainForest.Controller.Runner;

/// <summary>How the runner polls and probes.</summary>
public sealed record PolicyRunnerOptions
{
    /// <summary>How often the ledger's policy version is read (a policy set or removed from the shell is picked up within this).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a probe may take before it counts as an error.</summary>
    public TimeSpan ProbeTimeout { get; init; } = Latency.LatencySources.DefaultTimeout;

    /// <summary>The slack policy's tuning.</summary>
    public SlackOptions Slack { get; init; } = new();
}
