using RainForest.Controller;
using RainForest.Controller.Latency;
using RainForest.Core.Elastic;

namespace RainForest.Controller.Tests;

/// <summary>Builds observations and specs for policy tests.</summary>
internal static class Windows
{
    public static ElasticPolicySpec Spec(PolicyKind kind, int? max = null, int floor = 0, int min = 1, TimeSpan? window = null) =>
        ElasticPolicySpec.Create("lc", "batch", LatencySlo.Parse("p99<=5ms"), ProbeSpec.Parse("tcp://lc.rf:11211"), kind,
            window: window, minCpus: min, maxCpus: max, donorFloor: floor);

    /// <summary>A window ending at <paramref name="endSeconds"/> whose every percentile is <paramref name="tailMs"/>.</summary>
    public static ElasticObservation At(double endSeconds, double tailMs, double length = 10, double? pressure = null, long count = 1000)
    {
        var tail = TimeSpan.FromMilliseconds(tailMs);
        var start = TimeSpan.FromSeconds(endSeconds - length);
        return new ElasticObservation(new LatencyWindow(start, TimeSpan.FromSeconds(length), count, tail, tail, tail, tail), pressure);
    }

    public static ElasticAllocation Alloc(int taker, int donor, double? quota = null, long takerMem = 1L << 30, long donorMem = 1L << 30) =>
        new(taker, donor, quota, takerMem, donorMem);
}
