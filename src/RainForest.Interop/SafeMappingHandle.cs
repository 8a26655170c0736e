using System.Runtime.InteropServices;

namespace RainForest.Interop;

/// <summary>A shared memory mapping that is unmapped exactly once.</summary>
internal sealed class SafeMappingHandle : SafeHandle
{
    /// <summary>Creates an invalid handle; the interop marshaller fills it in.</summary>
    public SafeMappingHandle()
        : base(-1, ownsHandle: true)
    {
    }

    /// <summary>The mapped length in bytes, set by the code that made the mapping.</summary>
    public nuint Length { get; set; }

    /// <inheritdoc />
    public override bool IsInvalid => handle == -1 || handle == 0;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Libc.munmap(handle, Length) == 0;
}
