using RainForest.Bench.Report;

namespace RainForest.Bench.Harness.Channels;

/// <summary>What <c>rfm bench channels</c> measured: the table it prints and its <c>--json</c> document.</summary>
public sealed record ChannelsReport
{
    /// <summary>The experiment's name, <c>channels</c>.</summary>
    public string Experiment { get; init; } = "channels";

    /// <summary>Whether the short run (<c>--quick</c>) was asked for.</summary>
    public bool Quick { get; init; }

    /// <summary>How thoroughly it measured.</summary>
    public BenchMode Mode { get; init; } = BenchMode.Full;

    /// <summary>8 hex digits naming what the run made (its temporary supervisor's state directory rf-bench-RUN-state, its files).</summary>
    public string RunId { get; init; } = "";

    /// <summary>One row per transport, wait mode, spin budget and message size.</summary>
    public required IReadOnlyList<ChannelsResult> Messages { get; init; }

    /// <summary>iperf3 over the host's loopback, then over RFloop; empty where iperf3 is not installed.</summary>
    public required IReadOnlyList<IperfResult> Iperf { get; init; }

    /// <summary>The two CPUs: the subOSes' and the pinned host processes'.</summary>
    public string Cpus { get; init; } = "";

    /// <summary>The gap between paced latency messages, µs.</summary>
    public double IntervalUs { get; init; }

    /// <summary>The cgroup mode of the machine (v1, hybrid or v2).</summary>
    public string Cgroup { get; init; } = "";

    /// <summary>/proc/loadavg when the run started: the machine may be shared.</summary>
    public string LoadAverageAtStart { get; init; } = "";

    /// <summary>/proc/loadavg when it ended.</summary>
    public string LoadAverageAtEnd { get; init; } = "";

    /// <summary>What the run said along the way (packages installed, tools missing).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
