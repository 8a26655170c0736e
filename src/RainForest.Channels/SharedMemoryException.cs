using RainForest.Interop;

namespace RainForest.Channels;

/// <summary>A system call on a channel or shared-zone file failed.</summary>
/// <remarks>
/// Carries the file, the operation and the errno, so that a supervisor placing channels under
/// <c>/run/rainforest/channels</c> can tell a missing bind mount from a permission problem.
/// Subclasses name the common cases: <see cref="SharedMemoryNotFoundException"/> (ENOENT),
/// <see cref="SharedMemoryExistsException"/> (EEXIST), <see cref="SharedMemoryAccessDeniedException"/> (EACCES, EPERM).
/// </remarks>
public class SharedMemoryException : IOException
{
    /// <summary>Creates the exception.</summary>
    public SharedMemoryException(string message, string path, string operation, int errorNumber)
        : base(message)
    {
        Path = path;
        Operation = operation;
        ErrorNumber = errorNumber;
    }

    /// <summary>The file the operation was on.</summary>
    public string Path { get; }

    /// <summary>The failing operation, such as <c>open</c> or <c>mmap</c>.</summary>
    public string Operation { get; }

    /// <summary>The Linux errno.</summary>
    public int ErrorNumber { get; }

    /// <summary>The channel library's exception for a failed call on one of its files: a subclass for the cases callers tell apart.</summary>
    internal static SharedMemoryException From(LinuxException error)
    {
        var path = error.Path ?? string.Empty;
        var message = $"{error.Operation} '{path}' failed: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(error.Errno)} (errno {error.Errno})";
        return error.Errno switch
        {
            Errno.ENOENT => new SharedMemoryNotFoundException(message, path, error.Operation, error.Errno),
            Errno.EEXIST => new SharedMemoryExistsException(message, path, error.Operation, error.Errno),
            Errno.EACCES or Errno.EPERM => new SharedMemoryAccessDeniedException(message, path, error.Operation, error.Errno),
            _ => new SharedMemoryException(message, path, error.Operation, error.Errno),
        };
    }
}
