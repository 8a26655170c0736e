using System.Runtime.InteropServices;

namespace RainForest.Channels;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>FUTEX_WAIT without FUTEX_PRIVATE_FLAG: the word lives in a shared file mapping, and the kernel keys it by inode and offset, so waiters in other processes (and other mount or pid namespaces) meet on it.</summary>
        internal const int FUTEX_WAIT = 0;

        /// <summary>FUTEX_WAKE without FUTEX_PRIVATE_FLAG, for the same reason.</summary>
        internal const int FUTEX_WAKE = 1;

        /// <summary><c>struct timespec</c> on 64-bit Linux.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct Timespec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial nint syscall(nint number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);
    }
}
