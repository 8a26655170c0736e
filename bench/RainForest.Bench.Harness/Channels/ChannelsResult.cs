using RainForest.Bench.Contracts;

namespace RainForest.Bench.Harness.Channels;

/// <summary>One transport, wait mode and message size of the channels benchmark.</summary>
/// <param name="System">cell (two subOSes) or host (two pinned host processes).</param>
/// <param name="Transport">How the messages travelled.</param>
/// <param name="Wait">How the receiver waited (FICM spins or sleeps; the raw futex sleeps; sockets and pipes block).</param>
/// <param name="Size">Message size in bytes.</param>
/// <param name="P50Us">One-way latency median, µs.</param>
/// <param name="P99Us">99th percentile, µs.</param>
/// <param name="P999Us">99.9th percentile, µs.</param>
/// <param name="MessagesPerSecond">Burst throughput.</param>
/// <param name="Samples">Latency samples.</param>
/// <param name="SpinUs">How long a sleeping receiver polled before sleeping, µs (0 for the raw futex); null where it spins or blocks.</param>
public sealed record ChannelsResult(string System, IpcTransport Transport, IpcWait Wait, int Size, double P50Us, double P99Us, double P999Us, double MessagesPerSecond, long Samples, double? SpinUs = null);
