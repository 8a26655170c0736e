using System.Globalization;

namespace RainForest.Controller.Latency;

/// <summary>
/// One Prometheus histogram as scraped: cumulative bucket counts by upper bound (seconds), summed over every series
/// of the metric (every label set but <c>le</c>), so a service's histogram per endpoint reads as one.
/// </summary>
/// <remarks>
/// Only what a histogram needs is read from the text exposition format: <c>NAME_bucket{...,le="..."} VALUE</c>,
/// <c>NAME_count</c> and <c>NAME_sum</c>; comments, other metrics and timestamps are skipped. No NuGet package
/// served here parses the format (prometheus-net and OpenTelemetry only write it).
/// </remarks>
public sealed class PrometheusHistogram
{
    private PrometheusHistogram(IReadOnlyList<(double UpperBound, double Count)> buckets, double count, double sum)
    {
        Buckets = buckets;
        Count = count;
        Sum = sum;
    }

    /// <summary>Cumulative counts by upper bound, ascending; the last bound is +Inf.</summary>
    public IReadOnlyList<(double UpperBound, double Count)> Buckets { get; }

    /// <summary>Observations counted (<c>_count</c>, or the +Inf bucket).</summary>
    public double Count { get; }

    /// <summary>Sum of observations in seconds (<c>_sum</c>).</summary>
    public double Sum { get; }

    /// <summary>Reads histogram <paramref name="name"/> from a metrics page.</summary>
    /// <exception cref="InvalidDataException">The page has no bucket of it, a bucket without <c>le</c>, or a value that is not a number.</exception>
    public static PrometheusHistogram Parse(string text, string name)
    {
        var buckets = new SortedDictionary<double, double>();
        double count = 0, sum = 0;
        var sawCount = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(name, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line.AsSpan(name.Length);
            var suffixEnd = rest.IndexOfAny('{', ' ');
            if (suffixEnd < 0)
            {
                continue;
            }

            var suffix = rest[..suffixEnd].ToString();
            if (suffix is not ("_bucket" or "_count" or "_sum"))
            {
                continue;
            }

            rest = rest[suffixEnd..];
            string? le = null;
            if (rest[0] == '{')
            {
                var close = LabelsEnd(rest);
                le = Label(rest[1..close], "le");
                rest = rest[(close + 1)..];
            }

            var value = Number(rest.Trim().ToString().Split(' ')[0], line);
            switch (suffix)
            {
                case "_bucket":
                    var bound = le is null ? throw new InvalidDataException($"a bucket without le: {line}") : Number(le, line);
                    buckets[bound] = buckets.GetValueOrDefault(bound) + value;
                    break;
                case "_count":
                    count += value;
                    sawCount = true;
                    break;
                default:
                    sum += value;
                    break;
            }
        }

        if (buckets.Count == 0)
        {
            throw new InvalidDataException($"no histogram {name} on the page (no {name}_bucket line)");
        }

        if (!double.IsPositiveInfinity(buckets.Keys.Last()))
        {
            throw new InvalidDataException($"histogram {name} has no +Inf bucket");
        }

        return new PrometheusHistogram(buckets.Select(b => (b.Key, b.Value)).ToList(), sawCount ? count : buckets.Values.Last(), sum);
    }

    /// <summary>
    /// The window between <paramref name="previous"/> and this scrape: bucket differences, and the percentiles
    /// interpolated linearly inside their bucket (as PromQL's <c>histogram_quantile</c>). A counter that went
    /// down (the application restarted) makes this scrape the window on its own.
    /// </summary>
    public LatencyWindow WindowSince(PrometheusHistogram? previous, TimeSpan start, TimeSpan length, double percentile)
    {
        var deltas = Buckets.Select(b => (b.UpperBound, b.Count)).ToArray();
        if (previous is not null)
        {
            var before = previous.Buckets.ToDictionary(b => b.UpperBound, b => b.Count);
            var reset = deltas.Any(d => before.GetValueOrDefault(d.UpperBound) > d.Count);
            if (!reset)
            {
                for (var i = 0; i < deltas.Length; i++)
                {
                    deltas[i].Count -= before.GetValueOrDefault(deltas[i].UpperBound);
                }
            }
        }

        var total = deltas[^1].Count;
        if (total <= 0)
        {
            return new LatencyWindow(start, length, 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        }

        return new LatencyWindow(start, length, (long)Math.Round(total), At(50), At(99), At(99.9), At(percentile));

        TimeSpan At(double p)
        {
            var rank = p / 100 * total;
            double lowerBound = 0, lowerCount = 0;
            foreach (var (bound, cumulative) in deltas)
            {
                if (cumulative >= rank)
                {
                    if (double.IsPositiveInfinity(bound))
                    {
                        // Beyond the last finite bucket nothing is known but that bound.
                        return TimeSpan.FromSeconds(lowerBound);
                    }

                    var inBucket = cumulative - lowerCount;
                    var seconds = inBucket <= 0 ? bound : lowerBound + ((bound - lowerBound) * (rank - lowerCount) / inBucket);
                    return TimeSpan.FromSeconds(seconds);
                }

                lowerBound = bound;
                lowerCount = cumulative;
            }

            return TimeSpan.FromSeconds(lowerBound);
        }
    }

    private static int LabelsEnd(ReadOnlySpan<char> text)
    {
        var quoted = false;
        for (var i = 1; i < text.Length; i++)
        {
            if (quoted && text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && text[i] == '}')
            {
                return i;
            }
        }

        throw new InvalidDataException($"unterminated labels: {text}");
    }

    private static string? Label(ReadOnlySpan<char> labels, string wanted)
    {
        var i = 0;
        while (i < labels.Length)
        {
            while (i < labels.Length && labels[i] is ',' or ' ')
            {
                i++;
            }

            var eq = labels[i..].IndexOf('=');
            if (eq < 0)
            {
                return null;
            }

            var key = labels.Slice(i, eq).Trim().ToString();
            i += eq + 1;
            if (i >= labels.Length || labels[i] != '"')
            {
                throw new InvalidDataException($"label {key} has no quoted value");
            }

            var value = new System.Text.StringBuilder();
            for (i++; i < labels.Length && labels[i] != '"'; i++)
            {
                if (labels[i] == '\\' && i + 1 < labels.Length)
                {
                    i++;
                    value.Append(labels[i] == 'n' ? '\n' : labels[i]);
                }
                else
                {
                    value.Append(labels[i]);
                }
            }

            i++;
            if (key == wanted)
            {
                return value.ToString();
            }
        }

        return null;
    }

    private static double Number(string text, string line) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new InvalidDataException($"not a number '{text}' in: {line}"),
    };
}
