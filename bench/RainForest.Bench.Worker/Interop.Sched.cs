using System.Runtime.InteropServices;

namespace RainForest.Bench.Worker;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int EInval = 22;            // EINVAL

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static unsafe partial int sched_getaffinity(int pid, nuint cpusetsize, byte* mask);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int sched_getcpu();
    }
}
