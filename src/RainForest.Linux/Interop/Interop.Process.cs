using System.Runtime.InteropServices;

namespace RainForest.Linux;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int SIGKILL = 9;
        internal const int SIGTERM = 15;
        internal const int WNOHANG = 1;

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int kill(int pid, int sig);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int waitpid(int pid, out int status, int options);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int getpid();

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static unsafe partial int execv(byte* path, byte** argv);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static unsafe partial int sched_getaffinity(int pid, nint cpusetsize, byte* mask);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static unsafe partial int sched_setaffinity(int pid, nint cpusetsize, byte* mask);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int sched_getcpu();
    }
}
