using System.Runtime.InteropServices;

namespace RainForest.Bench.Ipc;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // Without FUTEX_PRIVATE_FLAG: the word is in a shared file mapping and the two ends are different
        // processes, so the kernel must key it by inode and offset, as it does for FICM's futex words.
        private const int FutexWaitOp = 0;  // FUTEX_WAIT
        private const int FutexWakeOp = 1;  // FUTEX_WAKE
        private const int EAgain = 11;      // EAGAIN
        private const int EIntr = 4;        // EINTR

        // glibc has no futex wrapper; the system call number differs between architectures.
        private static readonly nint s_sysFutex = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 202,
            Architecture.Arm64 => 98,
            var other => throw new PlatformNotSupportedException($"the futex transport needs the futex system call number for {other}"),
        };

        /// <summary>Sleeps while <c>*word == expected</c> until woken (no time limit); every return may be spurious.</summary>
        internal static unsafe void FutexWait(uint* word, uint expected)
        {
            if (syscall_futex(s_sysFutex, word, FutexWaitOp, (nint)expected, 0, 0, 0) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno is not (EAgain or EIntr))
                {
                    throw new InvalidOperationException($"futex wait failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
                }
            }
        }

        /// <summary>Wakes one thread sleeping on <paramref name="word"/>, in any process.</summary>
        internal static unsafe void FutexWake(uint* word)
        {
            if (syscall_futex(s_sysFutex, word, FutexWakeOp, 1, 0, 0, 0) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new InvalidOperationException($"futex wake failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }
        }

        // futex(uaddr, op, val, timeout, uaddr2, val3), every argument word sized (syscall(2) reads six longs).
        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        private static unsafe partial nint syscall_futex(nint number, uint* uaddr, nint futexOp, nint val, nint timeout, nint uaddr2, nint val3);
    }
}
