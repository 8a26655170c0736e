using System.Text.Json;

namespace RainForest.Bench.Harness.Programs;

/// <summary>The part of iperf3's <c>-J</c> document the benchmarks read: the totals at its end.</summary>
/// <param name="End">The totals; null when iperf3 failed before it measured.</param>
internal sealed record Iperf3Report(Iperf3End? End)
{
    /// <summary>
    /// The throughput in Gbit/s from iperf3's output: what the server received, or, when the client was stopped
    /// early (it then reports 0 received), what it sent; null when the output holds neither (iperf3 failed).
    /// </summary>
    public static double? Gbits(string output)
    {
        Iperf3Report? report;
        try
        {
            report = JsonSerializer.Deserialize(output, Iperf3JsonContext.Default.Iperf3Report);
        }
        catch (JsonException)
        {
            // Not a document: iperf3 failed before printing one.
            return null;
        }

        foreach (var sum in new[] { report?.End?.SumReceived, report?.End?.SumSent })
        {
            if (sum is { BitsPerSecond: > 0 } measured)
            {
                return measured.BitsPerSecond / 1e9;
            }
        }

        return null;
    }
}
