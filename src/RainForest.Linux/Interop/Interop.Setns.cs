using System.Runtime.InteropServices;

namespace RainForest.Linux;

internal static partial class Interop
{
    /// <summary>Joining a namespace from one thread of a multi-threaded process.</summary>
    internal static partial class Libc
    {
        internal const int CLONE_FS = 0x200;
        internal const int CLONE_NEWNS = 0x20000;

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int unshare(int flags);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int setns(int fd, int nstype);
    }
}
