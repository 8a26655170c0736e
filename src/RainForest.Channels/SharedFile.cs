using System.Runtime.InteropServices;

namespace RainForest.Channels;

/// <summary>The file operations channels and shared zones share: open, size, map, publish, remove.</summary>
internal static unsafe class SharedFile
{
    private struct OpenCall
    {
        public string Path;
        public int Flags;
        public uint Mode;
    }

    private struct SizeCall
    {
        public SafeFdHandle Fd;
        public long Length;
    }

    /// <summary>Opens (or with O_CREAT creates) a file; the descriptor does not leak into children.</summary>
    public static SafeFdHandle Open(string path, int flags, uint mode, string operation)
    {
        // The handle exists before the descriptor does, so that nothing can come between the
        // open and the ownership of its result.
        var handle = new SafeFdHandle();
        var call = new OpenCall { Path = path, Flags = flags | Interop.Libc.O_CLOEXEC, Mode = mode };
        var fd = Interop.RetryOnEintr(ref call, static (ref OpenCall c) => Interop.Libc.open(c.Path, c.Flags, c.Mode));
        if (fd < 0)
        {
            var error = Interop.LastError(operation, path);
            handle.Dispose();
            throw error;
        }

        handle.SetDescriptor(fd);
        return handle;
    }

    /// <summary>The file's size in bytes.</summary>
    public static long SizeOf(SafeFdHandle fd, string path)
    {
        var size = Interop.Libc.lseek(fd, 0, Interop.Libc.SEEK_END);
        return size >= 0 ? size : throw Interop.LastError("lseek", path);
    }

    /// <summary>Sets the exact permission bits (open's mode is filtered by the umask).</summary>
    public static void SetMode(SafeFdHandle fd, UnixFileMode mode, string path)
    {
        if (Interop.Libc.fchmod(fd, (uint)mode) != 0)
        {
            throw Interop.LastError("fchmod", path);
        }
    }

    /// <summary>
    /// Sizes the file and reserves its pages, so that a full tmpfs fails here with ENOSPC rather than
    /// killing a writer with SIGBUS when it first touches a page.
    /// </summary>
    public static void Allocate(SafeFdHandle fd, long length, string path)
    {
        var call = new SizeCall { Fd = fd, Length = length };
        if (Interop.RetryOnEintr(ref call, static (ref SizeCall c) => Interop.Libc.ftruncate(c.Fd, c.Length)) != 0)
        {
            throw Interop.LastError("ftruncate", path);
        }

        if (Interop.RetryOnEintr(ref call, static (ref SizeCall c) => Interop.Libc.fallocate(c.Fd, 0, 0, c.Length)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Interop.Errno.EOPNOTSUPP)
            {
                throw Interop.ErrorFor(errno, "fallocate", path);
            }
        }
    }

    /// <summary>Maps <paramref name="length"/> bytes of the file shared.</summary>
    public static SafeMappingHandle Map(SafeFdHandle fd, long length, bool writable, string path)
    {
        var protection = Interop.Libc.PROT_READ | (writable ? Interop.Libc.PROT_WRITE : 0);
        var mapping = Interop.Libc.mmap(0, (nuint)length, protection, Interop.Libc.MAP_SHARED, fd, 0);
        if (mapping.IsInvalid)
        {
            var error = Interop.LastError("mmap", path);
            mapping.SetHandleAsInvalid();
            mapping.Dispose();
            throw error;
        }

        mapping.Length = (nuint)length;
        return mapping;
    }

    /// <summary>Gives a fully initialized file its public name, failing if the name is taken.</summary>
    /// <remarks>link(2) is atomic and never replaces: an opener sees no file or a whole one.</remarks>
    public static void Publish(string temporaryPath, string path)
    {
        if (Interop.Libc.link(temporaryPath, path) != 0)
        {
            throw Interop.LastError("link", path);
        }
    }

    /// <summary>Removes a name; false when it did not exist.</summary>
    public static bool Unlink(string path)
    {
        if (Interop.Libc.unlink(path) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == Interop.Errno.ENOENT ? false : throw Interop.ErrorFor(errno, "unlink", path);
    }
}
