using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>CLOCK_MONOTONIC from &lt;time.h&gt;: the clock Stopwatch reads on Linux.</summary>
        internal const int ClockMonotonic = 1;

        /// <summary>struct timespec on 64-bit Linux: two 64-bit fields.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct Timespec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        /// <summary>
        /// Sleeps for a relative interval. Returns 0, or an error number (EINTR when a signal
        /// interrupted it); it does not set errno.
        /// </summary>
        [LibraryImport(Libraries.Libc)]
        internal static partial int clock_nanosleep(int clockId, int flags, in Timespec request, IntPtr remain);
    }
}
