using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    internal const int SIGKILL = 9;
    internal const int SIGTERM = 15;
    internal const int WNOHANG = 1;

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int kill(int pid, int sig);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int waitpid(int pid, out int status, int options);

    /// <summary>Returns only on failure (-1 with errno).</summary>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial int execv(byte* path, byte** argv);
}
