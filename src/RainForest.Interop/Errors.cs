using System.Runtime.InteropServices;

namespace RainForest.Interop;

/// <summary>Turns errno into a <see cref="LinuxException"/>: the one place the raw layer's failures become exceptions.</summary>
internal static class Errors
{
    /// <summary>The exception for the errno the last call left.</summary>
    /// <remarks>Call it straight after the failing call: anything in between may overwrite errno.</remarks>
    internal static LinuxException Last(string operation, string? path = null) => For(LastErrno(), operation, path);

    /// <summary>The exception for an errno value (from a call that returns it, such as posix_spawn, or one read earlier).</summary>
    internal static LinuxException For(int errno, string operation, string? path = null) => new(errno, operation, path);

    /// <summary>The errno the last call left, for callers that tell an expected failure (EAGAIN, ENOENT) from a real one.</summary>
    internal static int LastErrno() => Marshal.GetLastPInvokeError();

    /// <summary>The errno behind an exception the .NET file APIs threw (File.WriteAllText on a kernel file, say).</summary>
    /// <remarks>
    /// On Linux the runtime keeps the raw errno as the HResult of the plain <see cref="IOException"/> it throws,
    /// and as that of the inner exception of an <see cref="UnauthorizedAccessException"/>; the not-found
    /// exceptions are ENOENT. Anything else reads as EIO.
    /// </remarks>
    internal static int ErrnoOf(Exception e) => e switch
    {
        LinuxException linux => linux.Errno,
        FileNotFoundException or DirectoryNotFoundException => Errno.ENOENT,
        PathTooLongException => Errno.ENAMETOOLONG,
        UnauthorizedAccessException { InnerException: IOException { HResult: > 0 and < 4096 } inner } => inner.HResult,
        UnauthorizedAccessException => Errno.EACCES,
        IOException { HResult: > 0 and < 4096 } io => io.HResult,
        _ => Errno.EIO,
    };
}
