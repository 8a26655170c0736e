using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial int sched_getaffinity(int pid, nint cpusetsize, byte* mask);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial int sched_setaffinity(int pid, nint cpusetsize, byte* mask);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int sched_getcpu();
}
