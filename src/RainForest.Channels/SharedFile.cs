using Microsoft.Win32.SafeHandles;
using RainForest.Interop;

namespace RainForest.Channels;

/// <summary>
/// The file operations channels and shared zones share: open, size, map, publish, remove, and the
/// participant locks. The one place this library calls libc; failures become <see cref="SharedMemoryException"/>s.
/// </summary>
internal static unsafe class SharedFile
{
    private struct SizeCall
    {
        public SafeFileHandle Fd;
        public long Length;
    }

    private struct LockCall
    {
        public SafeFileHandle Fd;
        public int Command;
        public Interop.Libc.Flock Lock;
    }

    /// <summary>Opens (or with O_CREAT creates) a file; the descriptor does not leak into children.</summary>
    public static SafeFileHandle Open(string path, int flags, uint mode, string operation)
    {
        try
        {
            return Interop.Descriptors.Open(path, flags, mode, operation);
        }
        catch (LinuxException e)
        {
            throw SharedMemoryException.From(e);
        }
    }

    /// <summary>The file's size in bytes.</summary>
    public static long SizeOf(SafeFileHandle fd, string path)
    {
        var size = Interop.Libc.lseek(fd, 0, Interop.Libc.SEEK_END);
        return size >= 0 ? size : throw Failed("lseek", path);
    }

    /// <summary>Sets the exact permission bits (open's mode is filtered by the umask).</summary>
    public static void SetMode(SafeFileHandle fd, UnixFileMode mode, string path)
    {
        if (Interop.Libc.fchmod(fd, (uint)mode) != 0)
        {
            throw Failed("fchmod", path);
        }
    }

    /// <summary>
    /// Sizes the file and reserves its pages, so that a full tmpfs fails here with ENOSPC rather than
    /// killing a writer with SIGBUS when it first touches a page.
    /// </summary>
    public static void Allocate(SafeFileHandle fd, long length, string path)
    {
        var call = new SizeCall { Fd = fd, Length = length };
        if (Interop.Eintr.Retry(ref call, static (ref SizeCall c) => Interop.Libc.ftruncate(c.Fd, c.Length)) != 0)
        {
            throw Failed("ftruncate", path);
        }

        if (Interop.Eintr.Retry(ref call, static (ref SizeCall c) => Interop.Libc.fallocate(c.Fd, 0, 0, c.Length)) != 0)
        {
            // A file system without fallocate (EOPNOTSUPP) keeps the sparse file ftruncate made.
            var errno = Interop.Errors.LastErrno();
            if (errno != Errno.EOPNOTSUPP)
            {
                throw SharedMemoryException.From(Interop.Errors.For(errno, "fallocate", path));
            }
        }
    }

    /// <summary>Maps <paramref name="length"/> bytes of the file shared.</summary>
    public static SafeMappingHandle Map(SafeFileHandle fd, long length, bool writable, string path)
    {
        var protection = Interop.Libc.PROT_READ | (writable ? Interop.Libc.PROT_WRITE : 0);
        var mapping = Interop.Libc.mmap(0, (nuint)length, protection, Interop.Libc.MAP_SHARED, fd, 0);
        if (mapping.IsInvalid)
        {
            var error = Failed("mmap", path);
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
            throw Failed("link", path);
        }
    }

    /// <summary>Removes a name; false when it did not exist.</summary>
    public static bool Unlink(string path)
    {
        if (Interop.Libc.unlink(path) == 0)
        {
            return true;
        }

        var errno = Interop.Errors.LastErrno();
        return errno == Errno.ENOENT ? false : throw SharedMemoryException.From(Interop.Errors.For(errno, "unlink", path));
    }

    /// <summary>Takes the open-file-description write lock on the byte at <paramref name="offset"/>; false when another open file holds it.</summary>
    public static bool TryLock(SafeFileHandle fd, long offset, string path)
    {
        var call = LockOn(fd, Interop.Libc.F_OFD_SETLK, offset);
        if (Interop.Eintr.Retry(ref call, static (ref LockCall c) => Interop.Libc.fcntl(c.Fd, c.Command, ref c.Lock)) == 0)
        {
            return true;
        }

        var errno = Interop.Errors.LastErrno();
        return errno is Errno.EAGAIN or Errno.EACCES ? false : throw SharedMemoryException.From(Interop.Errors.For(errno, "fcntl(F_OFD_SETLK)", path));
    }

    /// <summary>Drops this open file's lock on the byte at <paramref name="offset"/>.</summary>
    public static void Unlock(SafeFileHandle fd, long offset, string path)
    {
        var call = LockOn(fd, Interop.Libc.F_OFD_SETLK, offset);
        call.Lock.Type = Interop.Libc.F_UNLCK;
        if (Interop.Eintr.Retry(ref call, static (ref LockCall c) => Interop.Libc.fcntl(c.Fd, c.Command, ref c.Lock)) != 0)
        {
            throw Failed("fcntl(F_OFD_SETLK, F_UNLCK)", path);
        }
    }

    /// <summary>
    /// True when <paramref name="path"/> is a device's memory rather than a file's pages: a PCI BAR that sysfs exposes
    /// (<c>/sys/bus/pci/devices/*/resourceN</c>), as a guest sees an ivshmem device. Such a mapping has no page the
    /// kernel's futexes can key on (a futex call on it fails with EFAULT), so waiters there poll.
    /// </summary>
    public static bool IsDeviceMemory(string path) =>
        Interop.Paths.RealPath(path, out _) is { } real && real.StartsWith("/sys/", StringComparison.Ordinal);

    /// <summary>
    /// The size of a PCI BAR that sysfs exposes as <c>resourceN</c>, whose file size reads as 0: from line N of the
    /// device's <c>resource</c> file (start, end and flags in hex). 0 when it cannot be told.
    /// </summary>
    public static long DeviceMemorySize(string path)
    {
        if (Interop.Paths.RealPath(path, out _) is not { } real
            || !System.IO.Path.GetFileName(real).StartsWith("resource", StringComparison.Ordinal)
            || !int.TryParse(System.IO.Path.GetFileName(real).AsSpan("resource".Length), out var bar))
        {
            return 0;
        }

        var table = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(real)!, "resource");
        var lines = File.Exists(table) ? File.ReadAllLines(table) : [];
        var fields = bar < lines.Length ? lines[bar].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        return fields.Length >= 2
            && ulong.TryParse(fields[0].AsSpan(2), System.Globalization.NumberStyles.HexNumber, null, out var start)
            && ulong.TryParse(fields[1].AsSpan(2), System.Globalization.NumberStyles.HexNumber, null, out var end)
            && end > start ? (long)(end - start + 1) : 0;
    }

    /// <summary>True when an open file other than <paramref name="fd"/>'s holds the write lock on the byte at <paramref name="offset"/>.</summary>
    public static bool IsLockedByOther(SafeFileHandle fd, long offset, string path)
    {
        var call = LockOn(fd, Interop.Libc.F_OFD_GETLK, offset);
        if (Interop.Eintr.Retry(ref call, static (ref LockCall c) => Interop.Libc.fcntl(c.Fd, c.Command, ref c.Lock)) != 0)
        {
            throw Failed("fcntl(F_OFD_GETLK)", path);
        }

        return call.Lock.Type != Interop.Libc.F_UNLCK;
    }

    private static LockCall LockOn(SafeFileHandle fd, int command, long offset) => new()
    {
        Fd = fd,
        Command = command,
        Lock = new Interop.Libc.Flock { Type = Interop.Libc.F_WRLCK, Whence = Interop.Libc.SEEK_SET, Start = offset, Length = 1 },
    };

    /// <summary>The exception for the errno the failed call left; call it straight after the call.</summary>
    private static SharedMemoryException Failed(string operation, string path) =>
        SharedMemoryException.From(Interop.Errors.Last(operation, path));
}
