using System.Globalization;

namespace RainForest.Core.Elastic;

/// <summary>A latency service-level objective: the <see cref="Percentile"/> of response times stays at or below <see cref="Bound"/>.</summary>
/// <param name="Percentile">The percentile, above 0 and below 100 (99 for p99, 99.9 for p99.9).</param>
/// <param name="Bound">The largest acceptable latency at that percentile.</param>
public readonly record struct LatencySlo(double Percentile, TimeSpan Bound)
{
    /// <summary>Parses <c>p99&lt;=5ms</c>, <c>p99.9&lt;=20ms</c>, <c>p50&lt;=500us</c>; one clear line (exit 2) otherwise.</summary>
    public static LatencySlo Parse(string text)
    {
        var s = text.Trim();
        var le = s.IndexOf("<=", StringComparison.Ordinal);
        if (s.Length < 2 || s[0] != 'p' || le < 2
            || !double.TryParse(s.AsSpan(1, le - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percentile)
            || percentile <= 0 || percentile >= 100
            || !DurationText.TryParse(s[(le + 2)..], out var bound) || bound <= TimeSpan.Zero)
        {
            throw RfException.Invalid($"--slo {Printable.Escape(text)}: expected pPERCENTILE<=DURATION, such as p99<=5ms (percentile above 0 and below 100)");
        }

        return new LatencySlo(percentile, bound);
    }

    /// <summary>The percentile as a fraction of one (0.99 for p99).</summary>
    public double Quantile => Percentile / 100;

    /// <summary>The percentile's label: <c>p99</c>, <c>p99.9</c>.</summary>
    public string PercentileLabel => "p" + Percentile.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Whether a window whose value at <see cref="Percentile"/> was <paramref name="tail"/> met the objective.</summary>
    public bool IsMet(TimeSpan tail) => tail <= Bound;

    /// <summary>The objective as it is typed: <c>p99&lt;=5ms</c>.</summary>
    public override string ToString() => $"{PercentileLabel}<={DurationText.Format(Bound)}";
}
