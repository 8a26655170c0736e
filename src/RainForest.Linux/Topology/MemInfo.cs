using System.Globalization;

namespace RainForest.Linux.Topology;

/// <summary>Parses <c>/proc/meminfo</c> and the per-node <c>nodeN/meminfo</c> files.</summary>
internal static class MemInfo
{
    /// <summary>
    /// Maps each key (<c>MemTotal</c>) to its value, in bytes when the line ends in <c>kB</c>;
    /// lines that do not parse are skipped.
    /// </summary>
    /// <remarks>Node files prefix each key with <c>Node 0 </c>; only the last word before the colon is kept.</remarks>
    public static Dictionary<string, long> Parse(string? text)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        if (text is null)
        {
            return values;
        }

        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var keyWords = line[..colon].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var valueWords = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (keyWords.Length == 0 || valueWords.Length == 0
                || !long.TryParse(valueWords[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var unit = valueWords.Length > 1 && valueWords[1] == "kB" ? 1024L : 1L;
            values[keyWords[^1]] = value * unit;
        }

        return values;
    }
}
