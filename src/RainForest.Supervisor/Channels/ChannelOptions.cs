namespace RainForest.Supervisor.Channels;

/// <summary>What <c>rfm channel create</c> asks for.</summary>
public sealed record ChannelOptions
{
    /// <summary>Channel name.</summary>
    public required string Name { get; init; }

    /// <summary>Member subOSes; receiver i is the i-th member.</summary>
    public required IReadOnlyList<string> Members { get; init; }

    /// <summary>unicast, multicast or broadcast.</summary>
    public string Mode { get; init; } = "unicast";

    /// <summary>64-byte slots per receiver ring.</summary>
    public int Slots { get; init; } = 1024;

    /// <summary>Largest message in bytes.</summary>
    public int MaxMessage { get; init; } = 4096;
}
