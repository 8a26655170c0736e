using System.Globalization;

namespace RainForest.Core.Elastic;

/// <summary>Durations as people type them on the command line: <c>10s</c>, <c>500ms</c>, <c>1.5ms</c>, <c>250us</c>, <c>2m</c>, <c>1h</c>, <c>30d</c>.</summary>
public static class DurationText
{
    /// <summary>Parses a duration; a unit is required (a bare number could mean seconds or milliseconds).</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var split = s.Length;
        while (split > 0 && char.IsAsciiLetter(s[split - 1]))
        {
            split--;
        }

        if (split == 0 || split == s.Length)
        {
            return false;
        }

        double perUnitMicroseconds = s[split..] switch
        {
            "us" => 1,
            "ms" => 1_000,
            "s" => 1_000_000,
            "m" or "min" => 60_000_000,
            "h" => 3_600_000_000,
            "d" => 86_400_000_000,
            _ => double.NaN,
        };
        if (double.IsNaN(perUnitMicroseconds)
            || !double.TryParse(s.AsSpan(0, split), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            || number * perUnitMicroseconds > TimeSpan.MaxValue.TotalMicroseconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)Math.Round(number * perUnitMicroseconds * TimeSpan.TicksPerMicrosecond));
        return true;
    }

    /// <summary>Parses a duration for option <paramref name="option"/>; one clear line (exit 2) when it is not one.</summary>
    public static TimeSpan Parse(string text, string option) =>
        TryParse(text, out var duration)
            ? duration
            : throw RfException.Invalid($"{option} {Printable.Escape(text)}: expected a duration such as 10s, 500ms, 250us, 2m or 30d");

    /// <summary>Prints a duration in the largest unit that keeps it short: <c>10s</c>, <c>500ms</c>, <c>1.5ms</c>, <c>250us</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        var us = duration.Ticks / (double)TimeSpan.TicksPerMicrosecond;
        return us switch
        {
            >= 86_400_000_000 when us % 86_400_000_000 == 0 => Number(us / 86_400_000_000) + "d",
            >= 3_600_000_000 when us % 3_600_000_000 == 0 => Number(us / 3_600_000_000) + "h",
            >= 60_000_000 when us % 60_000_000 == 0 => Number(us / 60_000_000) + "m",
            >= 1_000_000 => Number(us / 1_000_000) + "s",
            >= 1_000 => Number(us / 1_000) + "ms",
            _ => Number(us) + "us",
        };

        static string Number(double value) => Math.Round(value, 3).ToString("0.###", CultureInfo.InvariantCulture);
    }
}
