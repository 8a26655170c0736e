using System.Globalization;

namespace RainForest.Linux.Namespaces;

/// <summary>One line of a user namespace's uid_map or gid_map: ids inside, the host ids they stand for, and how many.</summary>
/// <param name="Inside">First id inside the namespace.</param>
/// <param name="Outside">First host id it maps to.</param>
/// <param name="Count">Number of consecutive ids.</param>
public readonly record struct IdMapping(long Inside, long Outside, long Count)
{
    /// <summary>The line as the kernel reads and prints it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Inside} {Outside} {Count}");

    /// <summary>Parses the lines of a uid_map or gid_map file.</summary>
    public static IReadOnlyList<IdMapping> ParseMap(string text)
    {
        var result = new List<IdMapping>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 3
                && long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var inside)
                && long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var outside)
                && long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                result.Add(new IdMapping(inside, outside, count));
            }
        }

        return result;
    }

    /// <summary>True when this mapping gives the whole host id space unchanged (the initial user namespace).</summary>
    public bool IsIdentity => Inside == 0 && Outside == 0 && Count == uint.MaxValue;
}
