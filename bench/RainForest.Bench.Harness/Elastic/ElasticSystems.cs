namespace RainForest.Bench.Harness.Elastic;

/// <summary>The systems the agility experiment compares (paper Fig. 10, Fig. 11, Table 5).</summary>
public static class ElasticSystems
{
    /// <summary>Plain Linux: memcached and the batch jobs unpinned on the host, no controller.</summary>
    public const string Linux = "linux";

    /// <summary>Two subOSes with a fixed partition: LC half the CPUs (one on two cores), batch the rest.</summary>
    public const string Static = "static";

    /// <summary>Two subOSes and the paper's threshold policy moving CPUs between them (10 s windows, (lt, ut)).</summary>
    public const string Threshold = "threshold";

    /// <summary>Two subOSes and RainForest's slack policy (short windows, smoothed tail, fast grow, slow shrink).</summary>
    public const string Slack = "slack";

    /// <summary>
    /// The slack policy with <c>--idle-share</c>: the batch also runs in the LC's idle time at idle priority, and is
    /// never parked.
    /// </summary>
    public const string SlackIdle = "slack-idle";

    /// <summary>The systems compared by default, in report order.</summary>
    public static IReadOnlyList<string> All { get; } = [Linux, Static, Threshold, Slack, SlackIdle];

    /// <summary>Every system <c>--systems</c> may name, in report order.</summary>
    public static IReadOnlyList<string> Known { get; } = [Linux, Static, Threshold, Slack, SlackIdle];

    /// <summary>The systems that run a controller.</summary>
    public static IReadOnlyList<string> Controlled { get; } = [Threshold, Slack, SlackIdle];
}
