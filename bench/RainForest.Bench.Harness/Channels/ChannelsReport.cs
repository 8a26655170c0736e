namespace RainForest.Bench.Harness.Channels;

/// <summary>What <c>rfm bench channels</c> measured: the table it prints and its <c>--json</c> document.</summary>
public sealed record ChannelsReport
{
    /// <summary>The experiment's name, <c>channels</c>.</summary>
    public string Experiment { get; init; } = "channels";

    /// <summary>Whether the short run (<c>--quick</c>) was asked for.</summary>
    public bool Quick { get; init; }

    /// <summary>One row per transport, wait mode and message size.</summary>
    public required IReadOnlyList<ChannelsResult> Messages { get; init; }

    /// <summary>iperf3 over the host's loopback, then over RFloop; empty where iperf3 is not installed.</summary>
    public required IReadOnlyList<IperfResult> Iperf { get; init; }
}
