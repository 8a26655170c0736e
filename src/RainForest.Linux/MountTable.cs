using System.Globalization;

namespace RainForest.Linux;

/// <summary>The mounts a process sees, from /proc/PID/mountinfo: mount points and their per-mount options.</summary>
public sealed class MountTable
{
    // Options: the per-mount options, then the file system's super options.
    private readonly List<(string MountPoint, string Options, string FsType)> _mounts;

    private MountTable(List<(string, string, string)> mounts) => _mounts = mounts;

    /// <summary>Reads the table of <paramref name="pid"/>.</summary>
    /// <exception cref="IOException">The process is gone.</exception>
    public static MountTable Read(int pid, string procRoot = "/proc") =>
        Parse(File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "mountinfo")));

    /// <summary>Parses the text of a mountinfo file.</summary>
    public static MountTable Parse(string text)
    {
        var mounts = new List<(string, string, string)>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // id parent major:minor root mount-point options [optional fields...] - fstype source super-options
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 6 || separator < 6 || separator + 1 >= fields.Length)
            {
                continue;
            }

            // Read-only either way: the mount (per-mount options) or its file system (super options).
            var super = separator + 3 < fields.Length ? fields[separator + 3] : string.Empty;
            mounts.Add((Unescape(fields[4]), fields[5] + "," + super, fields[separator + 1]));
        }

        return new MountTable(mounts);
    }

    /// <summary>Every mount point, in the order of the table (a mount stacked on another comes after it).</summary>
    public IReadOnlyList<string> MountPoints => [.. _mounts.Select(m => m.MountPoint)];

    /// <summary>True when something is mounted exactly at <paramref name="path"/>.</summary>
    public bool IsMountPoint(string path) => _mounts.Any(m => m.MountPoint == path);

    /// <summary>
    /// Whether the mount that covers <paramref name="path"/> is read-only (the last mount at the longest
    /// matching mount point, as path lookup finds it); null when no mount covers it.
    /// </summary>
    public bool? IsReadOnly(string path) => Covering(path) is { } best ? _mounts[best].Options.Split(',').Contains("ro") : null;

    /// <summary>The file system type of the mount that covers <paramref name="path"/> (as path lookup finds it), or null.</summary>
    public string? TypeCovering(string path) => Covering(path) is { } best ? _mounts[best].FsType : null;

    /// <summary>The mount point of the mount that covers <paramref name="path"/> (as path lookup finds it), or null.</summary>
    public string? MountPointCovering(string path) => Covering(path) is { } best ? _mounts[best].MountPoint : null;

    private int? Covering(string path)
    {
        var best = -1;
        for (var i = 0; i < _mounts.Count; i++)
        {
            var point = _mounts[i].MountPoint;
            var covers = point == "/" || path == point || path.StartsWith(point + "/", StringComparison.Ordinal);
            if (covers && (best < 0 || point.Length >= _mounts[best].MountPoint.Length))
            {
                best = i;
            }
        }

        return best < 0 ? null : best;
    }

    /// <summary>The file system type mounted at <paramref name="path"/> (the top one), or null.</summary>
    public string? TypeAt(string path) => _mounts.LastOrDefault(m => m.MountPoint == path).FsType;

    /// <summary>The per-mount and super options of the top mount at <paramref name="path"/> (comma-separated), or null.</summary>
    public string? OptionsAt(string path) => _mounts.LastOrDefault(m => m.MountPoint == path).Options;

    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
