using Microsoft.Win32.SafeHandles;
using RainForest.Interop;

namespace RainForest.Linux.Namespaces;

/// <summary>Questions about namespace files (/proc/PID/ns/*) that only the kernel can answer.</summary>
public static class NamespaceFiles
{
    /// <summary>The identity (<c>user:[inode]</c>) of the user namespace that owns the namespace at <paramref name="path"/>.</summary>
    /// <exception cref="LinuxException">The file is not a namespace, or the owner lies outside the caller's reach.</exception>
    public static string OwnerOf(string path)
    {
        using var ns = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var owner = Interop.Descriptors.Own(new SafeFileHandle(), Interop.Libc.ioctl(ns, Interop.Libc.NS_GET_USERNS, 0), "ioctl NS_GET_USERNS", path);
        return new FileInfo($"/proc/self/fd/{owner.DangerousGetHandle()}").LinkTarget ?? throw new LinuxException(Errno.ENOENT, "readlink", path);
    }

    /// <summary>The identity (<c>mnt:[inode]</c>) of a namespace file, or null when the process is gone.</summary>
    public static string? IdOf(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
