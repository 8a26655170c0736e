using System.Runtime.InteropServices;

namespace RainForest.Bench.Worker;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int ORdWr = 0x2;             // O_RDWR

        // open(2) is variadic in C; passing the optional mode as a third int is what every x86-64 and arm64
        // Linux binding does, since integer variadic arguments travel in the same registers as fixed ones.
        // The path is a pre-encoded, NUL-terminated UTF-8 buffer so that the timed loop marshals nothing.
        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static unsafe partial int open(byte* path, int flags, int mode);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int close(int fd);
    }
}
