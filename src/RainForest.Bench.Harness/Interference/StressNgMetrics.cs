using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RainForest.Bench.Harness.Interference;

/// <summary>Reads throughput from stress-ng's <c>--metrics-brief</c> lines and iperf3's <c>-J</c> document.</summary>
internal static partial class StressNgMetrics
{
    /// <summary>
    /// The "bogo ops/s (real time)" of <paramref name="stressor"/> from stress-ng's output, or null when it printed
    /// none (it failed, or was killed before it could).
    /// </summary>
    public static double? BogoOpsPerSecond(string output, string stressor)
    {
        foreach (Match match in MetricsLine().Matches(output))
        {
            if (match.Groups["name"].Value == stressor)
            {
                return double.Parse(match.Groups["rate"].Value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>
    /// The throughput in Gbit/s from iperf3's JSON output: what the server received, or, when the client was
    /// stopped early (it then reports 0 received), what it sent; null when the document holds neither.
    /// </summary>
    public static double? Iperf3Gbits(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("end", out var end))
            {
                return null;
            }

            foreach (var sum in new[] { "sum_received", "sum_sent" })
            {
                if (end.TryGetProperty(sum, out var part) && part.TryGetProperty("bits_per_second", out var bits)
                    && bits.TryGetDouble(out var value) && value > 0)
                {
                    return value / 1e9;
                }
            }
        }
        catch (JsonException)
        {
            // Not a document: iperf3 failed before printing one.
        }

        return null;
    }

    // "stress-ng: metrc: [PID] NAME  BOGO-OPS  REAL  USR  SYS  OPS/S-REAL  OPS/S-CPU"; the miscellaneous metric lines
    // that follow carry one number and text, so they do not match.
    [GeneratedRegex(@"^stress-ng: metrc: \[\d+\] (?<name>[a-z0-9-]+)\s+(?<ops>\d+)\s+(?<real>[\d.]+)\s+(?<usr>[\d.]+)\s+(?<sys>[\d.]+)\s+(?<rate>[\d.]+)\s+(?<cpu>[\d.]+)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex MetricsLine();
}
