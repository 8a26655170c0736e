using System.Globalization;

namespace RainForest.Linux.Security;

/// <summary>What confines a process: its capability sets, seccomp mode, no_new_privs, ids and user-namespace maps.</summary>
/// <param name="Effective">CapEff.</param>
/// <param name="Permitted">CapPrm.</param>
/// <param name="Bounding">CapBnd.</param>
/// <param name="Inheritable">CapInh.</param>
/// <param name="Ambient">CapAmb (empty before Linux 4.3).</param>
/// <param name="Seccomp">The seccomp mode.</param>
/// <param name="SeccompFilters">How many filters are stacked (Seccomp_filters; 0 before Linux 5.9).</param>
/// <param name="NoNewPrivs">Whether no_new_privs is set.</param>
/// <param name="Uid">The Uid line.</param>
/// <param name="Gid">The Gid line.</param>
/// <param name="UidMap">The uid_map ranges; empty when the file is missing.</param>
/// <param name="GidMap">The gid_map ranges; empty when the file is missing.</param>
public sealed record ProcessSecurity(
    CapabilitySet Effective,
    CapabilitySet Permitted,
    CapabilitySet Bounding,
    CapabilitySet Inheritable,
    CapabilitySet Ambient,
    SeccompMode Seccomp,
    int SeccompFilters,
    bool NoNewPrivs,
    ProcessIds Uid,
    ProcessIds Gid,
    IReadOnlyList<IdMapRange> UidMap,
    IReadOnlyList<IdMapRange> GidMap)
{
    /// <summary>Reads process <paramref name="pid"/> under <paramref name="procRoot"/>, or null when it does not exist.</summary>
    /// <remarks>The status lines are those of the process's main thread; use <see cref="ReadTask"/> for another thread.</remarks>
    /// <exception cref="FormatException">A line the kernel formats is malformed.</exception>
    public static ProcessSecurity? Read(int pid, string procRoot = "/proc") =>
        ReadDirectory(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Reads thread <paramref name="tid"/> of process <paramref name="pid"/>, or null when it does not exist.</summary>
    /// <remarks>Capabilities, seccomp and no_new_privs are per thread; a thread that installed a filter shows it here and nowhere else.</remarks>
    /// <exception cref="FormatException">A line the kernel formats is malformed.</exception>
    public static ProcessSecurity? ReadTask(int pid, int tid, string procRoot = "/proc") =>
        ReadDirectory(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "task", tid.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Reads a /proc/PID or /proc/PID/task/TID directory (or a fixture laid out the same), or null when it has no status file.</summary>
    /// <exception cref="FormatException">A line the kernel formats is malformed.</exception>
    public static ProcessSecurity? ReadDirectory(string directory)
    {
        var status = TryRead(Path.Combine(directory, "status"));
        if (status is null)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in status.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                fields[line[..colon]] = line[(colon + 1)..].Trim();
            }
        }

        return new ProcessSecurity(
            Caps(fields, "CapEff"),
            Caps(fields, "CapPrm"),
            Caps(fields, "CapBnd"),
            Caps(fields, "CapInh"),
            Caps(fields, "CapAmb"),
            (SeccompMode)Number(fields, "Seccomp"),
            Number(fields, "Seccomp_filters"),
            Number(fields, "NoNewPrivs") == 1,
            Ids(fields, "Uid"),
            Ids(fields, "Gid"),
            ParseIdMap(TryRead(Path.Combine(directory, "uid_map")) ?? ""),
            ParseIdMap(TryRead(Path.Combine(directory, "gid_map")) ?? ""));
    }

    /// <summary>Parses the text of a uid_map or gid_map: one "inside outside count" line per range.</summary>
    /// <exception cref="FormatException">A line does not hold three numbers.</exception>
    public static IReadOnlyList<IdMapRange> ParseIdMap(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ranges = new List<IdMapRange>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3)
            {
                throw new FormatException($"An id map line has three numbers: '{line}'.");
            }

            ranges.Add(new IdMapRange(ParseUInt(parts[0]), ParseUInt(parts[1]), ParseUInt(parts[2])));
        }

        return ranges;
    }

    private static CapabilitySet Caps(Dictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var value) ? CapabilitySet.Parse(value) : CapabilitySet.Empty;

    private static int Number(Dictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var value) ? int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;

    private static ProcessIds Ids(Dictionary<string, string> fields, string key)
    {
        if (!fields.TryGetValue(key, out var value))
        {
            return default;
        }

        var parts = value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 4)
        {
            throw new FormatException($"The {key} line has four ids: '{value}'.");
        }

        return new ProcessIds(ParseUInt(parts[0]), ParseUInt(parts[1]), ParseUInt(parts[2]), ParseUInt(parts[3]));
    }

    private static uint ParseUInt(string text) => uint.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }
}
