using System.Runtime.InteropServices;

namespace RainForest.Interop;

/// <summary>The new mount API (Linux 5.2, idmapped mounts 5.12): detached trees that are changed before they are attached.</summary>
/// <remarks>glibc 2.36 (Debian 12) has no wrappers, so these go through syscall(2); the numbers are the same on every architecture.</remarks>
internal static partial class Libc
{
    internal const int SYS_open_tree = 428;
    internal const int SYS_move_mount = 429;
    internal const int SYS_mount_setattr = 442;

    internal const int AT_FDCWD = -100;
    internal const uint AT_EMPTY_PATH = 0x1000;
    internal const uint OPEN_TREE_CLONE = 1;
    internal const uint OPEN_TREE_CLOEXEC = 0x80000;
    internal const uint MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    internal const ulong MOUNT_ATTR_RDONLY = 0x1;
    internal const ulong MOUNT_ATTR_NOSUID = 0x2;
    internal const ulong MOUNT_ATTR_NODEV = 0x4;
    internal const ulong MOUNT_ATTR_NOEXEC = 0x8;
    internal const ulong MOUNT_ATTR_IDMAP = 0x00100000;

    /// <summary>struct mount_attr (linux/mount.h): four 64-bit fields, 32 bytes, the size passed to mount_setattr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MountAttr
    {
        internal const int Size = 32;
        internal ulong AttrSet;
        internal ulong AttrClr;
        internal ulong Propagation;
        internal ulong UsernsFd;
    }

    [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint syscall_open_tree(nint number, int dirfd, string path, uint flags);

    [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial nint syscall_mount_setattr(nint number, SafeHandle dirfd, string path, uint flags, MountAttr* attr, nint size);

    [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint syscall_move_mount(nint number, SafeHandle fromDirfd, string fromPath, int toDirfd, string toPath, uint flags);
}
