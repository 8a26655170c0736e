using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    internal const int AT_SYMLINK_NOFOLLOW = 0x100;
    internal const uint STATX_TYPE = 0x1;
    internal const uint STATX_GID = 0x10;
    internal const ushort S_IFMT = 0xF000;
    internal const ushort S_IFSOCK = 0xC000;

    // statx(2) rather than stat(2): struct statx has one layout on every architecture, struct stat does not.
    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int statx(int dirfd, string path, int flags, uint mask, out StatxBuffer buffer);

    /// <summary>struct statx (linux/stat.h), 256 bytes; only <see cref="Gid"/> and the type bits of <see cref="Mode"/> are read here.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    internal struct StatxBuffer
    {
        /// <summary>stx_gid: the owning group.</summary>
        [FieldOffset(24)] public uint Gid;

        /// <summary>stx_mode: file type and permission bits.</summary>
        [FieldOffset(28)] public ushort Mode;
    }
}
