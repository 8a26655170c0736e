namespace RainForest.Bench.Ipc;

/// <summary>Byte 8 of every message: which part of the run it belongs to.</summary>
internal enum Phase : byte
{
    Warmup = 0,
    Latency = 1,
    Throughput = 2,
    End = 3,
}
