using System.Runtime.InteropServices;

namespace RainForest.Interop;

/// <summary>A failed Linux system call or kernel file operation, with its errno, the operation and the path it touched.</summary>
/// <remarks>
/// The one exception the Linux layer throws for what the kernel refused. It carries no exit code: the
/// supervisor (or the CLI's one handler) decides what a failure means to the user.
/// </remarks>
public sealed class LinuxException : IOException
{
    /// <summary>Creates the exception from an errno value; the message is the operation, the path and the C library's text for the errno.</summary>
    public LinuxException(int errno, string operation, string? path = null)
        : this(Format(errno, operation, path), errno, operation, path)
    {
    }

    /// <summary>Creates the exception with a message of the caller's (one that names what was being done, say).</summary>
    public LinuxException(string message, int errno, string operation, string? path = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Errno = errno;
        Operation = operation;
        Path = path;
    }

    /// <summary>The errno value (see <see cref="Interop.Errno"/>).</summary>
    public int Errno { get; }

    /// <summary>The call or action that failed (for example <c>mount</c>).</summary>
    public string Operation { get; }

    /// <summary>The file the call touched, when there was one.</summary>
    public string? Path { get; }

    private static string Format(int errno, string operation, string? path)
    {
        var text = Marshal.GetPInvokeErrorMessage(errno);
        return path is null ? $"{operation}: {text}" : $"{operation} {path}: {text}";
    }
}
