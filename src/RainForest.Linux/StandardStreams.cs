using Microsoft.Win32.SafeHandles;

namespace RainForest.Linux;

/// <summary>This process's standard input, output and error as handles that never close them.</summary>
/// <remarks>For the calls that take a descriptor as a <see cref="System.Runtime.InteropServices.SafeHandle"/>: handing them to a child, asking whether they are a terminal.</remarks>
public static class StandardStreams
{
    /// <summary>Descriptor 0.</summary>
    public static SafeFileHandle Input { get; } = new(0, ownsHandle: false);

    /// <summary>Descriptor 1.</summary>
    public static SafeFileHandle Output { get; } = new(1, ownsHandle: false);

    /// <summary>Descriptor 2.</summary>
    public static SafeFileHandle Error { get; } = new(2, ownsHandle: false);
}
