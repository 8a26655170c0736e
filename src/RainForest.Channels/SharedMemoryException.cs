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
}
