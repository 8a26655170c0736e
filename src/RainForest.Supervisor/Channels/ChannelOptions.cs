using RainForest.Channels;
using RainForest.Core;

namespace RainForest.Supervisor.Channels;

/// <summary>What <c>rfm channel create</c> asks for.</summary>
public sealed record ChannelOptions
{
    /// <summary>Channel name.</summary>
    public required string Name { get; init; }

    /// <summary>Member subOSes; receiver i is the i-th member.</summary>
    public required IReadOnlyList<string> Members { get; init; }

    /// <summary>Unicast, multicast or broadcast.</summary>
    public FicmChannelMode Mode { get; init; } = FicmChannelMode.Unicast;

    /// <summary>64-byte slots per receiver ring.</summary>
    public int Slots { get; init; } = 1024;

    /// <summary>Largest message in bytes.</summary>
    public int MaxMessage { get; init; } = 4096;

    /// <summary>Reads <c>--mode</c>: a mode's name in any case.</summary>
    /// <exception cref="RfException">No such mode (exit code 2).</exception>
    public static FicmChannelMode ParseMode(string text) =>
        Enum.TryParse<FicmChannelMode>(text, ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw RfException.Invalid($"--mode {text}: expected unicast, multicast or broadcast");
}
