using RainForest.Core;

namespace RainForest.Linux.Guard;

/// <summary>
/// The one check every destructive operation of a supervisor passes: a path it deletes, kills in,
/// moves tasks out of or writes must lie inside one of the supervisor's own roots (its cgroup prefix
/// groups, its subOS directories, its channel root), and a network namespace it deletes must carry its prefix.
/// </summary>
/// <remarks>
/// <para>
/// Paths are compared after canonicalisation: <see cref="Path.GetFullPath(string)"/>, then the
/// longest existing ancestor resolved with realpath(3) semantics (a dangling symlink in the missing
/// tail is followed as well). A symlink that leads out of the prefix, a <c>..</c> that climbs out of
/// it, or a look-alike sibling (<c>rf-1234abcd-evil</c> beside <c>rf-1234abcd</c>) is refused.
/// Callers act on the canonical path the check returns, so the kernel resolves the same path the
/// guard proved.
/// </para>
/// <para>
/// A root itself is accepted only by <see cref="CheckRoot"/>, for the explicit "remove my own
/// prefix group or channel root" operations; everything else must be strictly below a root.
/// A path can still be swapped between the check and the operation by someone who can already
/// write inside the prefix (root); the guard defends against bad input, not against root.
/// </para>
/// </remarks>
public sealed class PrefixGuard
{
    // Linux gives up after 40 symlinks (ELOOP); the guard follows no more than the kernel would.
    private const int MaxSymlinkHops = 40;
    private const int PrintedPathLength = 256;

    private readonly string[] _roots;

    /// <summary>Creates the guard over the supervisor's roots.</summary>
    /// <param name="roots">Absolute directories the supervisor owns (they need not exist yet).</param>
    /// <param name="prefix">The supervisor's prefix: network namespaces it may delete start with it.</param>
    /// <exception cref="ArgumentException">A root is relative or the file system root, or the prefix is empty.</exception>
    public PrefixGuard(IEnumerable<string> roots, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        _roots = [.. roots.Select(r => Normalize(r, nameof(roots)))];
        if (_roots.Length == 0)
        {
            throw new ArgumentException("The guard needs at least one root.", nameof(roots));
        }

        Prefix = prefix;
    }

    /// <summary>The roots as given (made absolute and without a trailing slash).</summary>
    public IReadOnlyList<string> Roots => _roots;

    /// <summary>The supervisor's prefix.</summary>
    public string Prefix { get; }

    /// <summary>Proves that <paramref name="path"/> lies strictly inside one of the roots.</summary>
    /// <returns>The canonical path, which the caller must act on.</returns>
    /// <exception cref="GuardViolationException">The path is a root, outside every root, or cannot be resolved.</exception>
    public string CheckInside(string path)
    {
        var canonical = Canonicalize(path);
        return IsStrictlyInside(canonical) ? canonical : throw Outside(path);
    }

    /// <summary>
    /// Proves that the mount point <paramref name="mountPoint"/> lies strictly inside one of the roots, resolving
    /// every component but the last: a mount whose FUSE server died cannot even be stat'ed (ENOTCONN), so realpath
    /// fails on it. The caller unmounts with UMOUNT_NOFOLLOW (<see cref="Mounts.DetachMountPoint"/>), so the kernel
    /// does not follow a symlink in that last component either.
    /// </summary>
    /// <returns>The canonical path, which the caller must act on.</returns>
    /// <exception cref="GuardViolationException">The path is a root, lies outside every root, or its parent cannot be resolved.</exception>
    public string CheckMountPoint(string mountPoint)
    {
        var canonical = CanonicalizeParent(mountPoint);
        return IsStrictlyInside(canonical) ? canonical : throw Outside(mountPoint);
    }

    /// <summary>
    /// Proves that process <paramref name="pid"/> works for this supervisor before it is signalled: it runs
    /// <paramref name="program"/> (the file name of its argv[0]) and one of its arguments is <paramref name="ownedPath"/>
    /// (the mount point it serves, say), which lies strictly inside a root. A pid that was reused by another program
    /// since, or a process of someone else's (a shell listing that directory), is refused.
    /// </summary>
    /// <exception cref="GuardViolationException">The process is gone, runs another program, names no such argument, or the path lies outside.</exception>
    public void CheckProcess(int pid, string program, string ownedPath)
    {
        var canonical = CheckMountPoint(ownedPath);
        string[] arguments;
        try
        {
            arguments = pid > 0 ? File.ReadAllText($"/proc/{pid}/cmdline").Split('\0') : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            arguments = [];
        }

        if (arguments.Length == 0 || Path.GetFileName(arguments[0]) != program || !arguments.Skip(1).Contains(canonical, StringComparer.Ordinal))
        {
            throw new GuardViolationException(
                $"refused: process {pid} is not the {Printable.Escape(program)} this supervisor started for {Printable.Escape(ownedPath, PrintedPathLength)} (prefix {Prefix})", ownedPath);
        }
    }

    /// <summary>Proves that <paramref name="path"/> is one of the roots itself (removing the prefix group or the channel root).</summary>
    /// <returns>The canonical path, which the caller must act on.</returns>
    /// <exception cref="GuardViolationException">The path is not a root.</exception>
    public string CheckRoot(string path)
    {
        var canonical = Canonicalize(path);
        if (CanonicalRoots().Contains(canonical, StringComparer.Ordinal))
        {
            return canonical;
        }

        throw new GuardViolationException($"refused: {Printable.Escape(path, PrintedPathLength)} is not one of this supervisor's own directories (prefix {Prefix})", path);
    }

    /// <summary>Proves that a network namespace name belongs to this supervisor: one name, starting with the prefix and a dash.</summary>
    /// <exception cref="GuardViolationException">The name does not carry the prefix.</exception>
    public string CheckNamespace(string name)
    {
        CheckComponent(name);
        if (!name.StartsWith(Prefix + "-", StringComparison.Ordinal) || name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new GuardViolationException($"refused: network namespace '{Printable.Escape(name)}' does not carry this supervisor's prefix {Prefix}", name);
        }

        return name;
    }

    /// <summary>
    /// Proves that <paramref name="name"/> is one path component: not empty, not <c>.</c> or <c>..</c>,
    /// without <c>/</c> or NUL. Everything that joins a name to a root checks this first.
    /// </summary>
    /// <exception cref="GuardViolationException">The name could step out of the directory it is joined to.</exception>
    public static string CheckComponent(string name)
    {
        if (string.IsNullOrEmpty(name) || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new GuardViolationException($"refused: '{Printable.Escape(name)}' is not a single path component", name);
        }

        return name;
    }

    /// <summary>
    /// The canonical form of an absolute path: made absolute, every existing component resolved
    /// through symlinks (realpath semantics), the missing tail appended as written.
    /// </summary>
    /// <exception cref="GuardViolationException">The path is relative, holds NUL, or loops.</exception>
    public static string Canonicalize(string path)
    {
        var current = Normalize(path, null);
        for (var hops = 0; hops <= MaxSymlinkHops; hops++)
        {
            var missing = new Stack<string>();
            var existing = current;
            while (true)
            {
                var resolved = Interop.Paths.RealPath(existing, out var errno);
                if (resolved is not null)
                {
                    return missing.Count == 0 ? resolved : Path.Join([resolved, .. missing]);
                }

                if (errno is not (Interop.Errno.ENOENT or Interop.Errno.ENOTDIR))
                {
                    throw new GuardViolationException($"refused: {Printable.Escape(path, PrintedPathLength)} cannot be resolved (errno {errno})", path);
                }

                // A dangling symlink: realpath fails on it, yet a write through it would land on its target.
                if (new FileInfo(existing).LinkTarget is { } target)
                {
                    var parent = Path.GetDirectoryName(existing) ?? "/";
                    current = Path.Join([Path.GetFullPath(target, parent), .. missing]);
                    break;
                }

                missing.Push(Path.GetFileName(existing));
                existing = Path.GetDirectoryName(existing) ?? "/";
            }
        }

        throw new GuardViolationException($"refused: {Printable.Escape(path, PrintedPathLength)} leads through more than {MaxSymlinkHops} symlinks", path);
    }

    /// <remarks>
    /// A root's ancestors are resolved, its own last component is not: a prefix group swapped for a
    /// symlink (to the hierarchy root, say) must not carry the guard's trust to its target. Paths
    /// through such a link resolve to the target and so fall outside.
    /// </remarks>
    private IEnumerable<string> CanonicalRoots()
    {
        foreach (var root in _roots)
        {
            yield return Path.Join(Canonicalize(Path.GetDirectoryName(root)!), Path.GetFileName(root));
        }
    }

    private bool IsStrictlyInside(string canonical) =>
        CanonicalRoots().Any(root => canonical.Length > root.Length + 1 && canonical.StartsWith(root, StringComparison.Ordinal) && canonical[root.Length] == '/');

    /// <summary>The canonical parent of <paramref name="path"/> joined with its last component, as written.</summary>
    private static string CanonicalizeParent(string path)
    {
        var full = Normalize(path, null);
        var name = Path.GetFileName(full);
        if (name.Length == 0 || name is "." or "..")
        {
            throw new GuardViolationException($"refused: '{Printable.Escape(path, PrintedPathLength)}' names no mount point", path);
        }

        return Path.Join(Canonicalize(Path.GetDirectoryName(full)!), name);
    }

    private GuardViolationException Outside(string path) =>
        new($"refused: {Printable.Escape(path, PrintedPathLength)} lies outside this supervisor's prefix {Prefix}", path);

    private static string Normalize(string path, string? parameter)
    {
        if (string.IsNullOrEmpty(path) || !Path.IsPathRooted(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            var message = $"refused: '{Printable.Escape(path, PrintedPathLength)}' is not an absolute path";
            throw parameter is null ? new GuardViolationException(message, path) : new ArgumentException(message, parameter);
        }

        var full = Path.GetFullPath(path);
        full = full.Length > 1 ? full.TrimEnd('/') : full;
        if (parameter is not null && full == "/")
        {
            throw new ArgumentException("A guard root cannot be /.", parameter);
        }

        return full;
    }
}
