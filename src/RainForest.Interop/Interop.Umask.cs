using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    // umask(2) cannot fail: it returns the previous mask.
    [LibraryImport(Libraries.Libc)]
    internal static partial uint umask(uint mask);
}
