using System.Runtime.InteropServices;

namespace RainForest.Interop;

/// <summary>Joining a mount or network namespace from one thread of a multi-threaded process.</summary>
internal static partial class Libc
{
    internal const int CLONE_FS = 0x200;
    internal const int CLONE_NEWNS = 0x20000;
    internal const int CLONE_NEWNET = 0x40000000;

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int unshare(int flags);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int setns(SafeHandle fd, int nstype);
}
