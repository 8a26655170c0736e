using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial int pipe2(int* fds, int flags);
}
