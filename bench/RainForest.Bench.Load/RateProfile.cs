using System.Globalization;
using System.Text.Json.Serialization;

namespace RainForest.Bench.Load;

/// <summary>
/// An offered rate that changes over time (ramps and bursts, as when a production trace is replayed): corners
/// at given times, joined by straight lines; before the first corner the first rate holds, after the last the run ends.
/// </summary>
/// <remarks>
/// The text form, which <c>rf-loadgen --rate-profile FILE</c> reads, is one <c>seconds,requests_per_second</c>
/// pair per line, times ascending; blank lines and lines starting with <c>#</c> are skipped, and so is a first
/// line that is not numbers (a header).
/// </remarks>
public sealed record RateProfile
{
    /// <summary>Makes a profile of <paramref name="points"/>, which <see cref="Validate"/> checks.</summary>
    public RateProfile(IReadOnlyList<RatePoint> points)
    {
        Points = points;
    }

    /// <summary>The corners, times ascending.</summary>
    public IReadOnlyList<RatePoint> Points { get; init; }

    /// <summary>The time of the last corner: how long the profile lasts.</summary>
    [JsonIgnore]
    public TimeSpan Duration => Points.Count == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Points[^1].Seconds);

    /// <summary>The highest rate of any corner (and so of any moment).</summary>
    [JsonIgnore]
    public double MaxRate => Points.Count == 0 ? 0 : Points.Max(p => p.Rate);

    /// <summary>The mean rate over <see cref="Duration"/>.</summary>
    [JsonIgnore]
    public double MeanRate
    {
        get
        {
            if (Points.Count < 2 || Points[^1].Seconds <= 0)
            {
                return Points.Count == 0 ? 0 : Points[0].Rate;
            }

            double area = Points[0].Seconds * Points[0].Rate;
            for (var i = 1; i < Points.Count; i++)
            {
                area += (Points[i].Seconds - Points[i - 1].Seconds) * (Points[i].Rate + Points[i - 1].Rate) / 2;
            }

            return area / Points[^1].Seconds;
        }
    }

    /// <summary>The rate at <paramref name="seconds"/>, interpolated linearly between the corners around it.</summary>
    public double RateAt(double seconds)
    {
        if (Points.Count == 0)
        {
            return 0;
        }

        if (seconds <= Points[0].Seconds)
        {
            return Points[0].Rate;
        }

        if (seconds >= Points[^1].Seconds)
        {
            return Points[^1].Rate;
        }

        // Binary search for the segment [i-1, i] holding the time.
        int lo = 1, hi = Points.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (Points[mid].Seconds < seconds)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        RatePoint a = Points[lo - 1], b = Points[lo];
        double span = b.Seconds - a.Seconds;
        return span <= 0 ? b.Rate : a.Rate + ((b.Rate - a.Rate) * (seconds - a.Seconds) / span);
    }

    /// <summary>The same shape with every rate multiplied by <paramref name="factor"/> and every time by <paramref name="timeFactor"/>.</summary>
    public RateProfile Scale(double factor, double timeFactor = 1) =>
        new([.. Points.Select(p => new RatePoint(p.Seconds * timeFactor, p.Rate * factor))]);

    /// <summary>Checks that there is a corner, times are finite, non-negative and ascending, and rates finite and non-negative with one above zero.</summary>
    /// <exception cref="ArgumentException">It is not a usable profile; the message says why.</exception>
    public void Validate()
    {
        if (Points is null || Points.Count == 0)
        {
            throw new ArgumentException("A rate profile needs at least one point.", nameof(Points));
        }

        for (var i = 0; i < Points.Count; i++)
        {
            var p = Points[i];
            if (!double.IsFinite(p.Seconds) || p.Seconds < 0 || !double.IsFinite(p.Rate) || p.Rate < 0)
            {
                throw new ArgumentException($"Rate profile point {i + 1} ({p.Seconds}, {p.Rate}): times and rates must be finite and not negative.", nameof(Points));
            }

            if (i > 0 && p.Seconds < Points[i - 1].Seconds)
            {
                throw new ArgumentException($"Rate profile point {i + 1}: time {p.Seconds} comes before {Points[i - 1].Seconds}; times must ascend.", nameof(Points));
            }
        }

        if (Points[^1].Seconds <= 0)
        {
            throw new ArgumentException("A rate profile must last longer than zero seconds.", nameof(Points));
        }

        if (MaxRate <= 0)
        {
            throw new ArgumentException("A rate profile needs a rate above zero somewhere.", nameof(Points));
        }
    }

    /// <summary>Parses the text form (see the remarks of <see cref="RateProfile"/>) and validates it.</summary>
    /// <exception cref="FormatException">A line is not <c>seconds,rate</c>; the message names it.</exception>
    /// <exception cref="ArgumentException">The points do not make a profile.</exception>
    public static RateProfile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<RatePoint> points = [];
        var lines = text.Split('\n');
        var firstData = true;
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length != 2
                || !double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate))
            {
                if (firstData && fields.Length == 2)
                {
                    // A header such as "seconds,requests_per_second".
                    firstData = false;
                    continue;
                }

                throw new FormatException($"line {n + 1}: '{(line.Length > 60 ? line[..60] : line)}' is not 'seconds,requests_per_second'");
            }

            firstData = false;
            points.Add(new RatePoint(seconds, rate));
        }

        var profile = new RateProfile(points);
        profile.Validate();
        return profile;
    }

    /// <summary>The text form of this profile.</summary>
    public string Format() =>
        "seconds,requests_per_second\n" + string.Concat(Points.Select(p =>
            string.Create(CultureInfo.InvariantCulture, $"{p.Seconds:0.###},{p.Rate:0.###}\n")));
}
