namespace RainForest.Channels;

/// <summary>The channel or shared-zone file may not be opened by this process (EACCES or EPERM).</summary>
public sealed class SharedMemoryAccessDeniedException : SharedMemoryException
{
    /// <summary>Creates the exception.</summary>
    public SharedMemoryAccessDeniedException(string message, string path, string operation, int errorNumber)
        : base(message, path, operation, errorNumber)
    {
    }
}
