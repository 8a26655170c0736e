using System.Runtime.InteropServices;

namespace RainForest.Channels;

/// <summary>A file descriptor that is closed exactly once.</summary>
internal sealed class SafeFdHandle : SafeHandle
{
    /// <summary>Creates an invalid handle, to be filled in by <see cref="SetDescriptor"/> once the call that opens it succeeds.</summary>
    public SafeFdHandle()
        : base(-1, ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of an open descriptor.</summary>
    public void SetDescriptor(int fd) => SetHandle(fd);

    /// <inheritdoc />
    public override bool IsInvalid => handle == -1;

    /// <inheritdoc />
    protected override bool ReleaseHandle() =>
        // Never retried on EINTR: on Linux the descriptor is released even when close reports it.
        Interop.Libc.close((int)handle) == 0;
}
