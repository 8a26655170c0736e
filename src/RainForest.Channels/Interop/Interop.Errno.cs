using System.Runtime.InteropServices;

namespace RainForest.Channels;

internal static partial class Interop
{
    internal static class Errno
    {
        internal const int EPERM = 1;
        internal const int ENOENT = 2;
        internal const int EINTR = 4;
        internal const int EAGAIN = 11;
        internal const int EACCES = 13;
        internal const int EEXIST = 17;
        internal const int EINVAL = 22;
        internal const int ENOSPC = 28;
        internal const int EPIPE = 32;
        internal const int EBADMSG = 74;
        internal const int EMSGSIZE = 90;
        internal const int EOPNOTSUPP = 95;
        internal const int ENOBUFS = 105;
        internal const int ETIMEDOUT = 110;
    }

    /// <summary>The signature of a call <see cref="RetryOnEintr{TState}"/> repeats.</summary>
    internal delegate int EintrCall<TState>(ref TState state);

    /// <summary>
    /// Runs a libc call, repeating it while it fails with EINTR; the one place this library retries
    /// interrupted calls. Returns the call's result, with errno left for <see cref="LastError"/>.
    /// </summary>
    /// <remarks>
    /// Futex waits are the exception: an interrupted wait is a spurious wake-up, and every caller
    /// re-checks its condition anyway, so <see cref="Futex"/> returns instead of retrying.
    /// </remarks>
    internal static int RetryOnEintr<TState>(ref TState state, EintrCall<TState> call)
    {
        while (true)
        {
            var result = call(ref state);
            if (result >= 0 || Marshal.GetLastPInvokeError() != Errno.EINTR)
            {
                return result;
            }
        }
    }

    /// <summary>Builds the exception for the errno the last call left; call it straight after the failing call.</summary>
    internal static SharedMemoryException LastError(string operation, string path) =>
        ErrorFor(Marshal.GetLastPInvokeError(), operation, path);

    /// <summary>Maps an errno to a typed exception carrying the path and the operation.</summary>
    internal static SharedMemoryException ErrorFor(int errno, string operation, string path)
    {
        var message = $"{operation} '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
        return errno switch
        {
            Errno.ENOENT => new SharedMemoryNotFoundException(message, path, operation, errno),
            Errno.EEXIST => new SharedMemoryExistsException(message, path, operation, errno),
            Errno.EACCES or Errno.EPERM => new SharedMemoryAccessDeniedException(message, path, operation, errno),
            _ => new SharedMemoryException(message, path, operation, errno),
        };
    }
}
