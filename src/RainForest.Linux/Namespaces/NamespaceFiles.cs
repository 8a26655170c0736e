namespace RainForest.Linux.Namespaces;

/// <summary>Questions about namespace files (/proc/PID/ns/*) that only the kernel can answer.</summary>
public static class NamespaceFiles
{
    // _IO(0xb7, 0x1) from linux/nsfs.h: returns a new descriptor for the namespace's owning user namespace.
    private const nuint NsGetUserns = 0xb701;

    /// <summary>The identity (<c>user:[inode]</c>) of the user namespace that owns the namespace at <paramref name="path"/>.</summary>
    /// <exception cref="LinuxException">The file is not a namespace, or the owner lies outside the caller's reach.</exception>
    public static string OwnerOf(string path)
    {
        using var ns = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var owner = Interop.Libc.ioctl((int)ns.DangerousGetHandle(), NsGetUserns, 0);
        if (owner < 0)
        {
            throw Interop.LastError("ioctl NS_GET_USERNS", path);
        }

        try
        {
            return new FileInfo($"/proc/self/fd/{owner}").LinkTarget ?? throw new LinuxException(Interop.Errno.ENOENT, "readlink", path);
        }
        finally
        {
            Interop.Libc.close(owner);
        }
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
