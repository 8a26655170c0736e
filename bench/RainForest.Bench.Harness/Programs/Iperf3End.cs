namespace RainForest.Bench.Harness.Programs;

/// <summary>The <c>end</c> object of iperf3's <c>-J</c> document.</summary>
/// <param name="SumReceived">What the server received over the whole run.</param>
/// <param name="SumSent">What the client sent.</param>
internal sealed record Iperf3End(Iperf3Sum? SumReceived, Iperf3Sum? SumSent);
