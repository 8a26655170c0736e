using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    internal const int PR_GET_DUMPABLE = 3;
    internal const int PR_SET_DUMPABLE = 4;
    internal const int PR_SET_SECCOMP = 22;
    internal const int PR_CAPBSET_READ = 23;
    internal const int PR_CAPBSET_DROP = 24;
    internal const int PR_SET_NO_NEW_PRIVS = 38;
    internal const int PR_GET_NO_NEW_PRIVS = 39;
    internal const int PR_CAP_AMBIENT = 47;
    internal const int PR_CAP_AMBIENT_CLEAR_ALL = 4;

    // prctl is variadic in C; glibc reads every argument as unsigned long, so five fixed
    // word-sized arguments match what the kernel sees on LP64 (the callee never inspects %al).
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
