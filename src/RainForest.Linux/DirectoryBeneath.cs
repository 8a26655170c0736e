using Microsoft.Win32.SafeHandles;
using RainForest.Interop;

namespace RainForest.Linux;

/// <summary>Opens a directory below a root one component at a time, so that no symbolic link and no ".." can lead out of it.</summary>
/// <remarks>
/// A path checked first and opened later can be swapped for a symbolic link in between by whoever owns the directories
/// (another subOS): an absolute link would then resolve against the opener's root, the host's. Each component is
/// opened with <c>O_NOFOLLOW | O_DIRECTORY</c> relative to the one before, and the result is a descriptor, not a path:
/// handed to another program as <c>/proc/self/fd/N</c>, it names the directory that was checked.
/// </remarks>
public static class DirectoryBeneath
{
    /// <summary>Opens <paramref name="relative"/> (components separated by '/', none empty, "." or "..") below <paramref name="root"/>.</summary>
    /// <exception cref="ArgumentException">A component is empty, "." or "..".</exception>
    /// <exception cref="LinuxException">A component is missing (ENOENT), a symbolic link or no directory (ENOTDIR, ELOOP).</exception>
    public static SafeFileHandle Open(string root, string relative)
    {
        ArgumentNullException.ThrowIfNull(relative);
        var components = relative.Trim('/').Split('/');
        if (components.Any(c => c is "" or "." or ".."))
        {
            throw new ArgumentException($"'{relative}' is not a normalised relative path", nameof(relative));
        }

        var current = Descriptors.Open(root, Libc.O_PATH | Libc.O_DIRECTORY, operation: "open");
        foreach (var component in components)
        {
            using var parent = current;
            var next = new SafeFileHandle();
            var fd = Libc.openat(parent, component, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
            current = Descriptors.Own(next, fd, "openat", component);
        }

        return current;
    }
}
