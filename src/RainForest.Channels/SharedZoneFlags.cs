namespace RainForest.Channels;

/// <summary>How <see cref="RfCom.Map"/> maps a shared zone.</summary>
[Flags]
public enum SharedZoneFlags
{
    /// <summary>Map an existing file, read and write.</summary>
    None = 0,

    /// <summary>Create the file if it is missing, and grow it to the requested size if it is smaller.</summary>
    Create = 1,

    /// <summary>Map read only.</summary>
    ReadOnly = 2,
}
