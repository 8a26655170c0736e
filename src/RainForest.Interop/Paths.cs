using System.Runtime.InteropServices;

namespace RainForest.Interop;

/// <summary>Path resolution only the C library does the kernel's way.</summary>
internal static class Paths
{
    /// <summary>
    /// realpath(3) with the result allocated by libc: every symlink, <c>.</c> and <c>..</c> resolved.
    /// Returns null and sets <paramref name="errno"/> when the path cannot be resolved (ENOENT: a component is missing).
    /// </summary>
    internal static string? RealPath(string path, out int errno)
    {
        var resolved = Libc.realpath(path, 0);
        if (resolved == 0)
        {
            errno = Errors.LastErrno();
            return null;
        }

        try
        {
            errno = 0;
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Libc.free(resolved);
        }
    }
}
