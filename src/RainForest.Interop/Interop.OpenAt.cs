using System.Runtime.InteropServices;

namespace RainForest.Interop;

/// <summary>openat(2): one path component at a time below a directory descriptor, following no symbolic link.</summary>
internal static partial class Libc
{
    internal const int O_NOFOLLOW = 0x20000;
    internal const int O_PATH = 0x200000;

    /// <remarks>Returns a plain int, as open(2) here does: the upper half of the register holding a C int is undefined.</remarks>
    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int openat(SafeHandle dirfd, string path, int flags, uint mode);
}
