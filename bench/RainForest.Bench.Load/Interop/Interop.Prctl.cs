using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>PR_SET_TIMERSLACK from &lt;linux/prctl.h&gt;: the calling thread's timer slack, in nanoseconds.</summary>
        internal const int PrSetTimerSlack = 29;

        /// <summary>
        /// prctl with its four optional arguments passed as unsigned longs, as the kernel reads them
        /// (glibc declares it variadic; integer arguments travel in the same registers either way).
        /// Returns 0 or -1 with errno set.
        /// </summary>
        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
    }
}
