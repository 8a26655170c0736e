using RainForest.Interop;
using RainForest.Linux;
using RainForest.Linux.Guard;

namespace RainForest.Supervisor.Ledger;

/// <summary>The file system that holds the state directory: whether it is full, and its name in messages.</summary>
public static class StateFileSystem
{
    /// <summary>
    /// Below this much free space the file system counts as full: opening the ledger in WAL mode needs 32 KiB for its
    /// index (<c>ledger.db-shm</c>) and each transaction a few pages of log, so with less, every command failed.
    /// </summary>
    public const long Headroom = 256 * 1024;

    /// <summary>True when the file system holding <paramref name="directory"/> has less than <see cref="Headroom"/> free.</summary>
    /// <remarks>
    /// The blocks free to root (rfm runs as root, which may use ext4's reserved blocks): <c>statvfs</c>'s f_bfree,
    /// which <see cref="DriveInfo.TotalFreeSpace"/> reads for any path, not only a mount point.
    /// </remarks>
    public static bool IsFull(string directory)
    {
        try
        {
            return new DriveInfo(directory).TotalFreeSpace < Headroom;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>True when <paramref name="e"/> is the kernel's "no space left" (or "quota exceeded") for a file operation.</summary>
    public static bool IsNoSpace(Exception e) => e switch
    {
        LinuxException linux => linux.Errno is Errno.ENOSPC or Errno.EDQUOT,

        // .NET's IOException for a failed file call carries the raw errno as its HResult on Linux.
        IOException io => io.HResult is Errno.ENOSPC or Errno.EDQUOT,
        _ => false,
    };

    /// <summary>Names the file system of <paramref name="directory"/> for a message: <c>the file system holding DIR (TYPE at MOUNT)</c>.</summary>
    public static string Describe(string directory)
    {
        try
        {
            return Describe(directory, PrefixGuard.Canonicalize(directory), MountTable.Read(Environment.ProcessId));
        }
        catch (Exception e) when (e is IOException or GuardViolationException or UnauthorizedAccessException)
        {
            return $"the file system holding {directory}";
        }
    }

    /// <summary>Names the file system of <paramref name="directory"/> (<paramref name="canonical"/> once resolved) from a mount table.</summary>
    public static string Describe(string directory, string canonical, MountTable mounts) =>
        mounts.MountPointCovering(canonical) is { } point && mounts.TypeCovering(canonical) is { } type
            ? $"the file system holding {directory} ({type} at {point})"
            : $"the file system holding {directory}";
}
