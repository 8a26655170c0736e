using System.Runtime.InteropServices;
using RainForest.Interop;

namespace RainForest.Bench.Ipc;

/// <summary>The raw futex ping's two calls, on the interop layer's futex system call (the FICM channel's own).</summary>
internal static class FutexCalls
{
    /// <summary>Sleeps while <c>*word == expected</c> until woken (no time limit); every return may be spurious.</summary>
    internal static unsafe void FutexWait(uint* word, uint expected)
    {
        // Without FUTEX_PRIVATE_FLAG: the word is in a shared file mapping and the two ends are different processes.
        if (Libc.syscall_futex(Libc.SYS_futex, word, Libc.FUTEX_WAIT, (nint)expected, null, 0, 0) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is not (Errno.EAGAIN or Errno.EINTR))
            {
                throw new InvalidOperationException($"futex wait failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }
        }
    }

    /// <summary>Wakes one thread sleeping on <paramref name="word"/>, in any process.</summary>
    internal static unsafe void FutexWake(uint* word)
    {
        if (Libc.syscall_futex(Libc.SYS_futex, word, Libc.FUTEX_WAKE, 1, null, 0, 0) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new InvalidOperationException($"futex wake failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
    }
}
