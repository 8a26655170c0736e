namespace RainForest.Bench.Ipc;

/// <summary>What the receiving side measured, printed as one JSON line.</summary>
public sealed record IpcResult(string Transport, string Wait, int Size, long Messages, double MeanNs, long P50Ns, long P99Ns, long P999Ns, long MaxNs, double ThroughputPerSecond, long ThroughputMessages);
