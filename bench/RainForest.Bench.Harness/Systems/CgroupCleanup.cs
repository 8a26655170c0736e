namespace RainForest.Bench.Harness.Systems;

/// <summary>Removes a cgroup directory the harness named, with its empty children, from every mounted hierarchy.</summary>
internal static class CgroupCleanup
{
    /// <summary>Every mounted cgroup hierarchy (v1 controllers, named v1 hierarchies and the v2 tree).</summary>
    public static IReadOnlyList<string> Hierarchies(string mountsPath = "/proc/self/mounts")
    {
        List<string> roots = [];
        foreach (var line in File.ReadAllLines(mountsPath))
        {
            var fields = line.Split(' ');
            if (fields.Length > 2 && fields[2] is "cgroup" or "cgroup2")
            {
                roots.Add(fields[1].Replace("\\040", " ", StringComparison.Ordinal));
            }
        }

        return roots;
    }

    /// <summary>
    /// Removes <paramref name="relative"/> (such as <c>rf-lxc-1234abcd</c>) and the directories under it, deepest
    /// first, in every hierarchy; only empty groups can be removed, so no task is touched.
    /// </summary>
    /// <returns>The groups that could not be removed (they still hold tasks).</returns>
    public static IReadOnlyList<string> Remove(string relative)
    {
        if (!relative.StartsWith("rf-", StringComparison.Ordinal) || relative.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"refusing to remove cgroup '{relative}': the harness only removes its own rf- groups", nameof(relative));
        }

        List<string> left = [];
        foreach (var root in Hierarchies())
        {
            var top = Path.Combine(root, relative);
            if (!Directory.Exists(top))
            {
                continue;
            }

            var dirs = Directory.GetDirectories(top, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(top);
            foreach (var dir in dirs)
            {
                try
                {
                    // rmdir(2): a cgroup directory goes away whole (its control files are not real files).
                    Directory.Delete(dir);
                }
                catch (IOException)
                {
                    left.Add(dir);
                }
            }
        }

        return left;
    }
}
