using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial nint read(SafeHandle fd, byte* buffer, nint count);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial nint write(SafeHandle fd, byte* buffer, nint count);
}
