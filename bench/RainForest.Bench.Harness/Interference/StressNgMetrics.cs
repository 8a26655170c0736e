using System.Globalization;
using System.Text.RegularExpressions;

namespace RainForest.Bench.Harness.Interference;

/// <summary>Reads throughput from stress-ng's <c>--metrics-brief</c> lines (iperf3's is <see cref="Programs.Iperf3Report"/>).</summary>
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

    // "stress-ng: metrc: [PID] NAME  BOGO-OPS  REAL  USR  SYS  OPS/S-REAL  OPS/S-CPU"; the miscellaneous metric lines
    // that follow carry one number and text, so they do not match.
    [GeneratedRegex(@"^stress-ng: metrc: \[\d+\] (?<name>[a-z0-9-]+)\s+(?<ops>\d+)\s+(?<real>[\d.]+)\s+(?<usr>[\d.]+)\s+(?<sys>[\d.]+)\s+(?<rate>[\d.]+)\s+(?<cpu>[\d.]+)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex MetricsLine();
}
