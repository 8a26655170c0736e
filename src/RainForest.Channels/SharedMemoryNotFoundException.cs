namespace RainForest.Channels;

/// <summary>The channel or shared-zone file does not exist (ENOENT).</summary>
public sealed class SharedMemoryNotFoundException : SharedMemoryException
{
    /// <summary>Creates the exception.</summary>
    public SharedMemoryNotFoundException(string message, string path, string operation, int errorNumber)
        : base(message, path, operation, errorNumber)
    {
    }
}
