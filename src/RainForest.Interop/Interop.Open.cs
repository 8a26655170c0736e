using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    internal const int O_RDONLY = 0;
    internal const int O_RDWR = 2;
    internal const int O_CREAT = 0x40;
    internal const int O_EXCL = 0x80;
    internal const int O_NOCTTY = 0x100;
    internal const int O_DIRECTORY = 0x10000;
    internal const int O_CLOEXEC = 0x80000;

    /// <remarks>
    /// Returns a plain int, not a SafeHandle: the handle's native form is pointer sized, and the upper half of
    /// the register holding a C int is undefined. <see cref="Descriptors.Open"/> makes the handle before the call.
    /// </remarks>
    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string path, int flags, uint mode);
}
