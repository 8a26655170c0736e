using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int sethostname(string name, nint length);
}
