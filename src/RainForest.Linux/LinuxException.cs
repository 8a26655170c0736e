using System.Runtime.InteropServices;

namespace RainForest.Linux;

/// <summary>A failed Linux system call, with its errno, the operation and the path it touched.</summary>
public sealed class LinuxException : IOException
{
    /// <summary>Creates the exception from an errno value.</summary>
    public LinuxException(int errno, string operation, string? path = null)
        : base(Format(errno, operation, path))
    {
        Errno = errno;
        Operation = operation;
        Path = path;
    }

    /// <summary>The errno value.</summary>
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
