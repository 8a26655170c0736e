using System.Runtime.InteropServices;
using RainForest.Interop;

namespace RainForest.Channels;

/// <summary>Cross-process futex wait and wake on a 32-bit word in shared memory.</summary>
internal static unsafe class Futex
{
    /// <summary>
    /// Sleeps while <c>*word == expected</c>, until woken, until <paramref name="timeoutMs"/> passes
    /// (negative: no limit) or a signal arrives. Every return is a possible spurious wake-up.
    /// </summary>
    /// <remarks>Not retried on EINTR (see <see cref="Interop.Eintr"/>): the caller looks again either way.</remarks>
    public static void Wait(uint* word, uint expected, int timeoutMs)
    {
        var timeout = new Interop.Libc.Timespec
        {
            Seconds = timeoutMs / 1000,
            Nanoseconds = timeoutMs % 1000 * 1_000_000L,
        };
        var result = Interop.Libc.syscall_futex(
            Interop.Libc.SYS_futex, word, Interop.Libc.FUTEX_WAIT, (nint)expected, timeoutMs < 0 ? null : &timeout, 0, 0);
        if (result < 0)
        {
            var errno = Interop.Errors.LastErrno();
            // EAGAIN: the word changed before we slept; ETIMEDOUT: the limit passed; EINTR: a signal.
            // All three mean "look again", which every caller does.
            if (errno is not (Errno.EAGAIN or Errno.ETIMEDOUT or Errno.EINTR))
            {
                throw new InvalidOperationException($"futex wait failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }
        }
    }

    /// <summary>Wakes every thread sleeping on <paramref name="word"/>, in any process.</summary>
    public static void WakeAll(uint* word)
    {
        var result = Interop.Libc.syscall_futex(Interop.Libc.SYS_futex, word, Interop.Libc.FUTEX_WAKE, int.MaxValue, null, 0, 0);
        if (result < 0)
        {
            var errno = Interop.Errors.LastErrno();
            throw new InvalidOperationException($"futex wake failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
    }
}
