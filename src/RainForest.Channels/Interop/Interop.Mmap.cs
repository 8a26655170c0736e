using System.Runtime.InteropServices;

namespace RainForest.Channels;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int PROT_READ = 1;
        internal const int PROT_WRITE = 2;
        internal const int MAP_SHARED = 1;

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial SafeMappingHandle mmap(nint address, nuint length, int protection, int flags, SafeFdHandle fd, long offset);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int munmap(nint address, nuint length);
    }
}
