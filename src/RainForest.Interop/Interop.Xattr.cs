using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    // Path-based (following links): a /proc/self/fd/N path reaches the directory an O_PATH descriptor holds.
    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint getxattr(string path, string name, byte[]? value, nuint size);

    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int setxattr(string path, string name, byte[] value, nuint size, int flags);
}
