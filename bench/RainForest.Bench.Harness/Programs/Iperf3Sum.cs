namespace RainForest.Bench.Harness.Programs;

/// <summary>One total of iperf3's <c>-J</c> document (<c>sum_received</c>, <c>sum_sent</c>).</summary>
/// <param name="BitsPerSecond">The mean rate over the run.</param>
internal sealed record Iperf3Sum(double BitsPerSecond);
