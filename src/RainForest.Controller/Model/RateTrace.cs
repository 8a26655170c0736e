using System.Globalization;
using RainForest.Core;

namespace RainForest.Controller.Model;

/// <summary>A request rate over time: points joined by straight lines, read from a CSV file.</summary>
/// <remarks>
/// The format: one <c>seconds,requests_per_second</c> pair per line; an optional header line with those two
/// names; blank lines and lines starting with <c>#</c> are skipped. Times start at 0 and increase strictly;
/// rates are 0 or more. Between two points the rate is interpolated linearly, so a burst is two points close
/// together (a ramp of a second or two) and a hold. The trace lasts until its last point.
/// <see cref="Default"/> ships with the library (<c>src/RainForest.Controller/Traces/default.csv</c>, embedded).
/// </remarks>
public sealed class RateTrace
{
    private const string DefaultResource = "RainForest.Controller.Traces.default.csv";
    private readonly double[] _seconds;
    private readonly double[] _rates;

    private RateTrace(double[] seconds, double[] rates)
    {
        _seconds = seconds;
        _rates = rates;
        Duration = TimeSpan.FromSeconds(seconds[^1]);
        MaxRate = rates.Max();
        var area = 0.0;
        for (var i = 1; i < seconds.Length; i++)
        {
            area += (seconds[i] - seconds[i - 1]) * (rates[i] + rates[i - 1]) / 2;
        }

        MeanRate = area / seconds[^1];
    }

    /// <summary>The trace shipped with RainForest: 10 minutes of ramps and bursts in the manner of the paper's replay (Fig. 10).</summary>
    public static RateTrace Default { get; } = LoadDefault();

    /// <summary>How long the trace lasts.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The highest rate in it, requests per second.</summary>
    public double MaxRate { get; }

    /// <summary>The mean rate over its duration, requests per second.</summary>
    public double MeanRate { get; }

    /// <summary>The points, as read.</summary>
    public IEnumerable<(double Seconds, double RequestsPerSecond)> Points => _seconds.Zip(_rates);

    /// <summary>The rate at <paramref name="seconds"/> (the last rate after the end, the first before the start).</summary>
    public double RateAt(double seconds)
    {
        if (seconds <= _seconds[0])
        {
            return _rates[0];
        }

        if (seconds >= _seconds[^1])
        {
            return _rates[^1];
        }

        var i = Array.BinarySearch(_seconds, seconds);
        if (i >= 0)
        {
            return _rates[i];
        }

        var hi = ~i;
        var lo = hi - 1;
        var f = (seconds - _seconds[lo]) / (_seconds[hi] - _seconds[lo]);
        return _rates[lo] + (f * (_rates[hi] - _rates[lo]));
    }

    /// <summary>Reads a trace file; a bad line is one clear error naming the file and line (exit 2).</summary>
    public static RateTrace Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RfException.Invalid($"trace {Printable.Escape(path, 256)}: {e.Message}");
        }

        return Parse(text, path);
    }

    /// <summary>Parses trace text; <paramref name="source"/> names it in errors.</summary>
    public static RateTrace Parse(string text, string source = "trace")
    {
        var seconds = new List<double>();
        var rates = new List<double>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || (seconds.Count == 0 && line == "seconds,requests_per_second"))
            {
                continue;
            }

            var comma = line.IndexOf(',');
            if (comma < 0
                || !double.TryParse(line.AsSpan(0, comma), NumberStyles.Float, CultureInfo.InvariantCulture, out var t)
                || !double.TryParse(line.AsSpan(comma + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var r)
                || !double.IsFinite(t) || !double.IsFinite(r) || t < 0 || r < 0)
            {
                throw RfException.Invalid($"{Printable.Escape(source, 256)}:{lineNumber}: expected seconds,requests_per_second (two numbers, 0 or more), got '{Printable.Escape(line)}'");
            }

            if (seconds.Count == 0 ? t != 0 : t <= seconds[^1])
            {
                throw RfException.Invalid($"{Printable.Escape(source, 256)}:{lineNumber}: times start at 0 and increase ({t.ToString(CultureInfo.InvariantCulture)} follows {(seconds.Count == 0 ? "nothing" : seconds[^1].ToString(CultureInfo.InvariantCulture))})");
            }

            seconds.Add(t);
            rates.Add(r);
        }

        if (seconds.Count < 2)
        {
            throw RfException.Invalid($"{Printable.Escape(source, 256)}: a trace needs at least two points");
        }

        return new RateTrace([.. seconds], [.. rates]);
    }

    private static RateTrace LoadDefault()
    {
        using var stream = typeof(RateTrace).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"the default trace {DefaultResource} is not embedded");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "default trace");
    }
}
