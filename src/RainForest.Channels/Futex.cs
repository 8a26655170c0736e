using System.Runtime.InteropServices;

namespace RainForest.Channels;

/// <summary>Cross-process futex wait and wake on a 32-bit word in shared memory.</summary>
internal static unsafe class Futex
{
    private static readonly nint s_sysFutex = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => throw new PlatformNotSupportedException($"FICM channels need the futex system call number for {RuntimeInformation.ProcessArchitecture}"),
    };

    /// <summary>
    /// Sleeps while <c>*word == expected</c>, until woken, until <paramref name="timeoutMs"/> passes
    /// (negative: no limit) or a signal arrives. Every return is a possible spurious wake-up.
    /// </summary>
    public static void Wait(uint* word, uint expected, int timeoutMs)
    {
        var timeout = new Interop.Libc.Timespec
        {
            Seconds = timeoutMs / 1000,
            Nanoseconds = timeoutMs % 1000 * 1_000_000L,
        };
        var result = Interop.Libc.syscall(
            s_sysFutex, (nint)word, Interop.Libc.FUTEX_WAIT, (nint)expected, timeoutMs < 0 ? 0 : (nint)(&timeout), 0, 0);
        if (result < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            // EAGAIN: the word changed before we slept; ETIMEDOUT: the limit passed; EINTR: a signal.
            // All three mean "look again", which every caller does.
            if (errno is not (Interop.Errno.EAGAIN or Interop.Errno.ETIMEDOUT or Interop.Errno.EINTR))
            {
                throw new InvalidOperationException($"futex wait failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }
        }
    }

    /// <summary>Wakes every thread sleeping on <paramref name="word"/>, in any process.</summary>
    public static void WakeAll(uint* word)
    {
        var result = Interop.Libc.syscall(s_sysFutex, (nint)word, Interop.Libc.FUTEX_WAKE, int.MaxValue, 0, 0, 0);
        if (result < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new InvalidOperationException($"futex wake failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
    }
}
