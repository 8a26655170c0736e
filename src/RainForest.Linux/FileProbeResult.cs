namespace RainForest.Linux;

/// <summary>What <see cref="FileProbe"/> found.</summary>
public enum FileProbeResult
{
    /// <summary>The file could be opened and read.</summary>
    Readable,

    /// <summary>ENOTCONN: the file lies on a FUSE mount whose server died.</summary>
    Disconnected,

    /// <summary>The file does not exist.</summary>
    Missing,

    /// <summary>The read did not return within the time allowed: the server hangs.</summary>
    NoAnswer,

    /// <summary>Another error (permissions, I/O).</summary>
    Failed,
}
