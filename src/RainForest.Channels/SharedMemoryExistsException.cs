namespace RainForest.Channels;

/// <summary>The channel or shared-zone file already exists (EEXIST).</summary>
public sealed class SharedMemoryExistsException : SharedMemoryException
{
    /// <summary>Creates the exception.</summary>
    public SharedMemoryExistsException(string message, string path, string operation, int errorNumber)
        : base(message, path, operation, errorNumber)
    {
    }
}
