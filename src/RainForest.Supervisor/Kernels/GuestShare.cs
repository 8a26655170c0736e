using RainForest.Core;

namespace RainForest.Supervisor.Kernels;

/// <summary>
/// RFfuse: a directory of another subOS shared into a kernel subOS's guest over virtio-9p
/// (<c>--share SRC:DIR[:MOUNTPOINT][:ro]</c>), like an Incus disk device whose source is another instance's path.
/// </summary>
/// <remarks>
/// The source is a running cell: its files (the root's copy-on-write layer included) are reached from the host through
/// its agent's root, <c>/proc/PID/root/DIR</c>, which QEMU opens once at start and serves relative to that descriptor.
/// So the guest sees what the cell's programs see at DIR, and what the guest writes there (unless read-only) the cell
/// reads. Neither side caches the other's files (<see cref="Vm.Qemu.NinePShare.Coherent"/>).
/// </remarks>
/// <param name="Source">The subOS whose directory is shared.</param>
/// <param name="Directory">The directory inside the source, absolute and normalised.</param>
/// <param name="MountPoint">Where the guest mounts it (by default <paramref name="Directory"/>).</param>
/// <param name="ReadOnly">True when the guest may only read.</param>
public sealed record GuestShare(string Source, string Directory, string MountPoint, bool ReadOnly)
{
    /// <summary>
    /// The source's root as the host reaches it (<c>/proc/PID/root</c> of its agent), filled in each time the guest starts
    /// (<see cref="GuestShares.Resolve"/>); null as asked.
    /// </summary>
    public string? SourceRoot { get; init; }

    /// <summary>Reads <c>SRC:DIR[:MOUNTPOINT][:ro|:rw]</c>.</summary>
    /// <exception cref="RfException">A part is malformed (exit code 2).</exception>
    public static GuestShare Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        var mode = parts.Length > 2 && parts[^1] is "ro" or "rw" ? parts[^1] : null;
        var count = parts.Length - (mode is null ? 0 : 1);
        if (count is < 2 or > 3)
        {
            throw RfException.Invalid($"--share {Escape(text)}: expected SRC:DIR[:MOUNTPOINT][:ro]");
        }

        var source = SubOsName.Validate(parts[0]) is { } problem ? throw RfException.Invalid($"--share {Escape(text)}: {problem}") : parts[0];
        var directory = CheckPath(text, parts[1], "DIR");
        var mountPoint = count == 3 ? CheckPath(text, parts[2], "MOUNTPOINT") : directory;
        foreach (var system in (string[])["/proc", "/sys", "/dev", "/run/rainforest"])
        {
            if (mountPoint == system || mountPoint.StartsWith(system + "/", StringComparison.Ordinal))
            {
                throw RfException.Invalid($"--share {Escape(text)}: MOUNTPOINT {mountPoint} lies in {system}, which the guest's system owns");
            }
        }

        return new GuestShare(source, directory, mountPoint, mode == "ro");
    }

    /// <summary>How <c>show</c> and the journal name it: <c>SRC:DIR on MOUNTPOINT (ro)</c>.</summary>
    public override string ToString() => $"{Source}:{Directory} on {MountPoint}{(ReadOnly ? " (ro)" : string.Empty)}";

    // Absolute, normalised and printable: no "." or ".." (a path that climbs out of the source's root is refused before
    // anything is resolved), no empty component, no comma (QEMU's option separator), no quote or space (the guest's
    // stage 1 is a shell script), not the root itself.
    private static string CheckPath(string text, string path, string what)
    {
        string? problem = null;
        if (!path.StartsWith('/'))
        {
            problem = "must be absolute";
        }
        else if (path == "/")
        {
            problem = "must be a directory below /, not the whole root";
        }
        else if (path.Length > 1024)
        {
            problem = "is longer than 1024 characters";
        }
        else if (path[1..].Split('/') is var components && components.Any(c => c is "" or "." or ".."))
        {
            problem = "must be normalised (no '.', '..', '//' or trailing '/')";
        }
        else if (path.Any(c => c is ',' or '\'' or '"' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            problem = "must not hold commas, quotes, backslashes, spaces or control characters";
        }

        return problem is null ? path : throw RfException.Invalid($"--share {Escape(text)}: {what} {Escape(path)} {problem}");
    }

    private static string Escape(string text) => Printable.Escape(text);
}
