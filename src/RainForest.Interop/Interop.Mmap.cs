using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    internal const int PROT_READ = 1;
    internal const int PROT_WRITE = 2;
    internal const int MAP_SHARED = 1;

    /// <remarks>The marshaller creates the <see cref="SafeMappingHandle"/> before the call; MAP_FAILED (-1) leaves it invalid.</remarks>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial SafeMappingHandle mmap(nint address, nuint length, int protection, int flags, SafeHandle fd, long offset);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int munmap(nint address, nuint length);
}
