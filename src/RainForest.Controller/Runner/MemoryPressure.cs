using System.Globalization;

namespace RainForest.Controller.Runner;

/// <summary>Reads how hard a subOS presses against its memory limit, once per window.</summary>
/// <remarks>
/// cgroup v2 (and v1 kernels with PSI): <c>memory.pressure</c>'s <c>some avg10</c>, the share of the last ten seconds in
/// which some task waited for memory. cgroup v1 without it: <c>memory.failcnt</c>, how often the limit was hit; any hit
/// in a window counts as full pressure (100), none as 0, as v1 gives no duration to weigh them by.
/// </remarks>
public sealed class MemoryPressure
{
    private long? _lastFailures;

    /// <summary>The pressure in percent for the group directories of a subOS; null where neither file exists.</summary>
    public double? Read(IEnumerable<string> cgroupDirectories)
    {
        foreach (var dir in cgroupDirectories)
        {
            if (ReadText(Path.Combine(dir, "memory.pressure")) is { } psi)
            {
                return ParseSomeAvg10(psi);
            }
        }

        foreach (var dir in cgroupDirectories)
        {
            if (ReadText(Path.Combine(dir, "memory.failcnt")) is { } text && long.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var failures))
            {
                var grew = _lastFailures is { } last && failures > last;
                _lastFailures = failures;
                return grew ? 100 : 0;
            }
        }

        return null;
    }

    /// <summary>The <c>avg10</c> of the <c>some</c> line of a PSI file.</summary>
    public static double? ParseSomeAvg10(string psi)
    {
        foreach (var line in psi.Split('\n'))
        {
            if (!line.StartsWith("some ", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var field in line.Split(' '))
            {
                if (field.StartsWith("avg10=", StringComparison.Ordinal)
                    && double.TryParse(field.AsSpan(6), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }
            }
        }

        return null;
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
