using System.Runtime.InteropServices;

namespace RainForest.Bench.Worker;

/// <summary>A libc call made by a micro-benchmark failed; carries the call, errno and the path involved.</summary>
public sealed class NativeCallException : IOException
{
    /// <summary>Creates the error for <paramref name="call"/> with <paramref name="errno"/>.</summary>
    public NativeCallException(string call, int errno, string? path = null)
        : base(FormatMessage(call, errno, path))
    {
        Call = call;
        Errno = errno;
        Path = path;
    }

    /// <summary>The libc function that failed, such as <c>mmap</c>.</summary>
    public string Call { get; }

    /// <summary>The errno value the call left.</summary>
    public int Errno { get; }

    /// <summary>The file the call was about, if any.</summary>
    public string? Path { get; }

    /// <summary>Throws for the errno the last P/Invoke left; call right after the failing call.</summary>
    internal static NativeCallException FromLastError(string call, string? path = null) =>
        new(call, Marshal.GetLastPInvokeError(), path);

    private static string FormatMessage(string call, int errno, string? path) =>
        path is null
            ? $"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})"
            : $"{call} failed on {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
