using System.Runtime.InteropServices;

namespace RainForest.Channels;

/// <summary>A file descriptor that is closed exactly once.</summary>
internal sealed class SafeFdHandle : SafeHandle
{
    /// <summary>Creates an invalid handle; the interop marshaller fills it in.</summary>
    public SafeFdHandle()
        : base(-1, ownsHandle: true)
    {
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == -1;

    /// <inheritdoc />
    protected override bool ReleaseHandle() =>
        // Never retried on EINTR: on Linux the descriptor is released even when close reports it.
        Interop.Libc.close((int)handle) == 0;
}
