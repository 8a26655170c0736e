namespace RainForest.Channels;

/// <summary>A file opened as a FICM channel is not one: foreign, corrupt, or of another layout version.</summary>
/// <remarks>
/// Raised by <see cref="FicmChannel.Open"/> before anything in the file is touched. An
/// <see cref="IOException"/> (as <see cref="InvalidDataException"/> would be, were it not sealed), so
/// callers that handle file errors handle this one too.
/// </remarks>
public sealed class ChannelFormatException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ChannelFormatException(string path, string reason)
        : base($"'{path}' is not a usable FICM channel: {reason}")
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file that was refused.</summary>
    public string Path { get; }

    /// <summary>Why it was refused, in one line.</summary>
    public string Reason { get; }
}
