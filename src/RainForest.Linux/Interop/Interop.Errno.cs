using System.Runtime.InteropServices;

namespace RainForest.Linux;

internal static partial class Interop
{
    internal static class Errno
    {
        internal const int EPERM = 1;
        internal const int ENOENT = 2;
        internal const int ESRCH = 3;
        internal const int EINTR = 4;
        internal const int EIO = 5;
        internal const int ECHILD = 10;
        internal const int EAGAIN = 11;
        internal const int EBUSY = 16;
        internal const int EEXIST = 17;
        internal const int EINVAL = 22;
        internal const int ENOSPC = 28;
        internal const int ENOTEMPTY = 39;
        internal const int ENOTCONN = 107;
        internal const int ECONNREFUSED = 111;
    }

    /// <summary>Throws a <see cref="LinuxException"/> for the errno the last call left.</summary>
    /// <remarks>Must be called straight after the failing call: anything in between may overwrite errno.</remarks>
    internal static LinuxException LastError(string operation, string? path = null) =>
        new(Marshal.GetLastPInvokeError(), operation, path);

    /// <summary>Retries a call that failed with EINTR; the one place RainForest handles interrupted calls.</summary>
    internal static int RetryOnEintr(Func<int> call)
    {
        while (true)
        {
            var result = call();
            if (result >= 0 || Marshal.GetLastPInvokeError() != Errno.EINTR)
            {
                return result;
            }
        }
    }
}
