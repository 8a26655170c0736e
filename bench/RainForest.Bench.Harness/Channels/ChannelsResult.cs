using RainForest.Bench.Contracts;

namespace RainForest.Bench.Harness.Channels;

/// <summary>One transport, wait mode and message size of the channels benchmark.</summary>
/// <param name="System">cell (two subOSes) or host (two pinned host processes).</param>
/// <param name="Transport">How the messages travelled.</param>
/// <param name="Wait">How the receiver waited (FICM spins or sleeps; sockets and pipes always block).</param>
/// <param name="Size">Message size in bytes.</param>
/// <param name="P50Us">One-way latency median, µs.</param>
/// <param name="P99Us">99th percentile, µs.</param>
/// <param name="P999Us">99.9th percentile, µs.</param>
/// <param name="MessagesPerSecond">Burst throughput.</param>
/// <param name="Samples">Latency samples.</param>
public sealed record ChannelsResult(string System, IpcTransport Transport, IpcWait Wait, int Size, double P50Us, double P99Us, double P999Us, double MessagesPerSecond, long Samples);
