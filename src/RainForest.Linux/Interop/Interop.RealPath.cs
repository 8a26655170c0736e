using System.Runtime.InteropServices;

namespace RainForest.Linux;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int ENAMETOOLONG = 36;
        internal const int ENOTDIR = 20;

        [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial nint realpath(string path, nint resolved);

        [LibraryImport(Libraries.Libc)]
        internal static partial void free(nint pointer);
    }

    /// <summary>
    /// realpath(3) with the result allocated by libc: every symlink, <c>.</c> and <c>..</c> resolved.
    /// Returns null and sets <paramref name="errno"/> when the path cannot be resolved (ENOENT: a component is missing).
    /// </summary>
    internal static string? RealPath(string path, out int errno)
    {
        var resolved = Libc.realpath(path, 0);
        if (resolved == 0)
        {
            errno = Marshal.GetLastPInvokeError();
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
