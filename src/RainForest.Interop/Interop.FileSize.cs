using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    internal const int SEEK_END = 2;

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int ftruncate(SafeHandle fd, long length);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int fallocate(SafeHandle fd, int mode, long offset, long length);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial long lseek(SafeHandle fd, long offset, int whence);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int fchmod(SafeHandle fd, uint mode);
}
