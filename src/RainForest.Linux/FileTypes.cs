using RainForest.Interop;

namespace RainForest.Linux;

/// <summary>What kind of directory entry a path is, where .NET's file APIs do not tell (a socket looks like an empty file).</summary>
public static class FileTypes
{
    /// <summary>True when <paramref name="path"/> itself (not a link's target) is a Unix socket; false when it is anything else or missing.</summary>
    public static bool IsSocket(string path) =>
        Libc.statx(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_TYPE, out var buffer) == 0
        && (buffer.Mode & Libc.S_IFMT) == Libc.S_IFSOCK;

    /// <summary>The group that owns <paramref name="path"/> (a device node's group, say), or null when it does not exist.</summary>
    public static uint? GroupOf(string path) =>
        Libc.statx(Libc.AT_FDCWD, path, 0, Libc.STATX_GID, out var buffer) == 0 ? buffer.Gid : null;
}
