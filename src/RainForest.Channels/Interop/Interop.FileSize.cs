using System.Runtime.InteropServices;

namespace RainForest.Channels;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int SEEK_END = 2;

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int ftruncate(SafeFdHandle fd, long length);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int fallocate(SafeFdHandle fd, int mode, long offset, long length);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial long lseek(SafeFdHandle fd, long offset, int whence);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int fchmod(SafeFdHandle fd, uint mode);
    }
}
