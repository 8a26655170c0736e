using System.Text.Json;

namespace RainForest.Bench.Contracts;

/// <summary>What the receiving side of rf-ipc-bench measured: its output, one JSON line.</summary>
/// <param name="Transport">How the messages travelled.</param>
/// <param name="Wait">How the receiver waited.</param>
/// <param name="Size">Message size in bytes.</param>
/// <param name="Messages">Latency samples (messages of the paced phase).</param>
/// <param name="MeanNs">Mean one-way latency, ns.</param>
/// <param name="P50Ns">Median one-way latency, ns.</param>
/// <param name="P99Ns">99th percentile, ns.</param>
/// <param name="P999Ns">99.9th percentile, ns.</param>
/// <param name="MaxNs">Maximum, ns.</param>
/// <param name="ThroughputPerSecond">Messages per second received during the burst.</param>
/// <param name="ThroughputMessages">Messages of the burst.</param>
/// <param name="SpinUs">How long a sleeping receiver polled before it slept, µs (0: it never polls); null where the receiver spins or blocks in the kernel.</param>
public sealed record IpcResult(IpcTransport Transport, IpcWait Wait, int Size, long Messages, double MeanNs, long P50Ns, long P99Ns, long P999Ns, long MaxNs, double ThroughputPerSecond, long ThroughputMessages, double? SpinUs = null)
{
    /// <summary>The result as one line of JSON (camelCase names).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ContractsJsonContext.Default.IpcResult);

    /// <summary>Reads a line written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The text is not such a line.</exception>
    public static IpcResult FromJson(string json) =>
        JsonSerializer.Deserialize(json, ContractsJsonContext.Default.IpcResult)
        ?? throw new JsonException("The document is null.");
}
