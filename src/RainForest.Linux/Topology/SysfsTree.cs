using System.Globalization;
using RainForest.Core;
using RainForest.Linux.Kernel;

namespace RainForest.Linux.Topology;

/// <summary>
/// Reads sysfs and procfs files through the kernel's files (<c>/</c>, or a captured tree),
/// turning missing or unreadable files into nulls.
/// </summary>
/// <remarks>
/// Symbolic links are resolved here, component by component, rather than by the operating system,
/// so that an absolute link target lands inside the root as it would after a chroot; sysfs itself
/// only uses relative links, which resolve the same either way.
/// </remarks>
internal sealed class SysfsTree
{
    // The kernel's own limit on links followed while resolving one path (MAXSYMLINKS).
    private const int MaxLinkHops = 40;

    private readonly KernelFiles _kernel;
    private readonly string _root;

    public SysfsTree(KernelFiles kernel)
    {
        _kernel = kernel;
        _root = Path.GetFullPath(kernel.Root).TrimEnd('/');
        DisplayRoot = _root.Length == 0 ? "/" : _root;
    }

    /// <summary>The root as given, for messages.</summary>
    public string DisplayRoot { get; }

    /// <summary>The full path of <paramref name="relative"/> (no leading slash) below the root.</summary>
    public string PathOf(string relative) => _root + "/" + relative.TrimStart('/');

    /// <summary>True when <paramref name="path"/> is <paramref name="relativeDir"/> below the root or inside it.</summary>
    public bool IsUnder(string path, string relativeDir)
    {
        var dir = PathOf(relativeDir).TrimEnd('/');
        return path == dir || path.StartsWith(dir + "/", StringComparison.Ordinal);
    }

    /// <summary>
    /// Resolves every symbolic link in <paramref name="path"/> (a full path below the root), as
    /// realpath(3) would with the root as <c>/</c>. Components that do not exist are kept as they are;
    /// returns null for a link loop.
    /// </summary>
    public string? Resolve(string path)
    {
        if (!path.StartsWith(_root + "/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{path}' is not below '{DisplayRoot}'.", nameof(path));
        }

        var pending = new Stack<string>();
        PushComponents(pending, path[(_root.Length + 1)..]);
        var current = _root;
        var hops = 0;
        while (pending.Count > 0)
        {
            var name = pending.Pop();
            if (name.Length == 0 || name == ".")
            {
                continue;
            }

            if (name == "..")
            {
                // Never climb above the root, as in a chroot.
                var slash = current.LastIndexOf('/');
                current = slash <= _root.Length ? _root : current[..slash];
                continue;
            }

            var candidate = current + "/" + name;
            var target = LinkTarget(candidate);
            if (target is null)
            {
                current = candidate;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                return null;
            }

            if (target.StartsWith('/'))
            {
                current = _root;
            }

            PushComponents(pending, target);
        }

        return current.Length == 0 ? "/" : current;
    }

    /// <summary>The last component of the target of the link at <paramref name="path"/> (a driver name), or null.</summary>
    public string? LinkName(string path)
    {
        var target = LinkTarget(path);
        if (target is null)
        {
            return null;
        }

        var name = Path.GetFileName(target.TrimEnd('/'));
        return name.Length == 0 ? null : name;
    }

    /// <summary>The file's text without surrounding white space; null when it is missing, unreadable or blank.</summary>
    public string? ReadText(string path)
    {
        try
        {
            var text = _kernel.ReadText(path)?.Trim();
            return string.IsNullOrEmpty(text) ? null : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The file's text as a decimal integer (sign allowed), or null.</summary>
    public int? ReadInt(string path) =>
        int.TryParse(ReadText(path), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The file's text as a decimal long, or null.</summary>
    public long? ReadLong(string path) =>
        long.TryParse(ReadText(path), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The file's cpulist, or null when it is missing or not a cpulist.</summary>
    public CpuSet? ReadCpuList(string path) =>
        ReadText(path) is { } text && CpuSet.TryParse(text, out var set, out _) ? set : null;

    /// <summary>Names of the entries of a directory, in ordinal order; empty when it is missing.</summary>
    public IReadOnlyList<string> EntryNames(string dir)
    {
        try
        {
            return _kernel.EntryNames(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Entries named <paramref name="prefix"/> followed by a number (<c>cpu12</c>), as numbers, ascending.</summary>
    public IReadOnlyList<int> NumberedEntries(string dir, string prefix)
    {
        var numbers = new List<int>();
        foreach (var name in EntryNames(dir))
        {
            if (name.Length > prefix.Length
                && name.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                numbers.Add(n);
            }
        }

        numbers.Sort();
        return numbers;
    }

    /// <summary>True when <paramref name="path"/> is a directory.</summary>
    public bool DirectoryExists(string path) => _kernel.DirectoryExists(path);

    private string? LinkTarget(string path) => _kernel.LinkTarget(path);

    private static void PushComponents(Stack<string> pending, string relative)
    {
        var parts = relative.Split('/');
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}
