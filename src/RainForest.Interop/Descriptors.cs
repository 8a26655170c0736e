using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RainForest.Interop;

/// <summary>
/// File descriptors as <see cref="SafeFileHandle"/>s: each is created before the call that opens the
/// descriptor, so nothing can come between the call and the ownership of its result, and closed exactly once.
/// </summary>
/// <remarks>
/// <see cref="SafeFileHandle"/> rather than a type of our own: on Linux it holds any descriptor (0
/// included), and the BCL takes it as it is (<see cref="FileStream"/>, <see cref="File.OpenHandle"/>).
/// </remarks>
internal static unsafe class Descriptors
{
    private struct OpenCall
    {
        public string Path;
        public int Flags;
        public uint Mode;
    }

    private struct IoCall
    {
        public SafeHandle Fd;
        public byte* Buffer;
        public nint Count;
    }

    /// <summary>Gives <paramref name="handle"/>, made before the call, the descriptor <paramref name="fd"/> the call returned; a negative result throws for errno.</summary>
    /// <remarks>Call it straight after the call: errno is read first thing. The empty handle is disposed before the throw.</remarks>
    internal static SafeFileHandle Own(SafeFileHandle handle, long fd, string operation, string? path = null)
    {
        if (fd < 0)
        {
            var error = Errors.Last(operation, path);
            handle.Dispose();
            throw error;
        }

        Marshal.InitHandle(handle, (nint)fd);
        return handle;
    }

    /// <summary>open(2), close-on-exec; <paramref name="operation"/> names what the caller was doing in the error.</summary>
    /// <exception cref="LinuxException">The open failed; the exception carries the path.</exception>
    internal static SafeFileHandle Open(string path, int flags, uint mode = 0, string operation = "open")
    {
        var handle = new SafeFileHandle();
        var call = new OpenCall { Path = path, Flags = flags | Libc.O_CLOEXEC, Mode = mode };
        var fd = Eintr.Retry(ref call, static (ref OpenCall c) => Libc.open(c.Path, c.Flags, c.Mode));
        return Own(handle, fd, operation, path);
    }

    /// <summary>A pipe whose two ends are close-on-exec (a child gets one only by an explicit dup2).</summary>
    internal static (SafeFileHandle Read, SafeFileHandle Write) Pipe()
    {
        var read = new SafeFileHandle();
        var write = new SafeFileHandle();
        var fds = stackalloc int[2];
        if (Libc.pipe2(fds, Libc.O_CLOEXEC) < 0)
        {
            var error = Errors.Last("pipe2");
            read.Dispose();
            write.Dispose();
            throw error;
        }

        Marshal.InitHandle(read, fds[0]);
        Marshal.InitHandle(write, fds[1]);
        return (read, write);
    }

    /// <summary>One read(2): the byte count, 0 at end of file.</summary>
    /// <exception cref="LinuxException">The read failed.</exception>
    internal static int Read(SafeHandle fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var call = new IoCall { Fd = fd, Buffer = p, Count = buffer.Length };
            var n = Eintr.Retry(ref call, static (ref IoCall c) => Libc.read(c.Fd, c.Buffer, c.Count));
            return n >= 0 ? (int)n : throw Errors.Last("read");
        }
    }

    /// <summary>One write(2): the bytes written, which may be fewer than asked.</summary>
    /// <exception cref="LinuxException">The write failed (EPIPE: nobody reads any more).</exception>
    internal static int Write(SafeHandle fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var call = new IoCall { Fd = fd, Buffer = p, Count = buffer.Length };
            var n = Eintr.Retry(ref call, static (ref IoCall c) => Libc.write(c.Fd, c.Buffer, c.Count));
            return n >= 0 ? (int)n : throw Errors.Last("write");
        }
    }

    /// <summary>Writes all of <paramref name="buffer"/>, in as many writes as it takes.</summary>
    /// <exception cref="LinuxException">A write failed.</exception>
    internal static void WriteAll(SafeHandle fd, ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Write(fd, buffer)..];
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for one of <paramref name="events"/> (POLLIN, say) on <paramref name="fd"/>; false when the time passed.</summary>
    /// <remarks>A signal restarts the wait with the whole timeout: callers that keep a deadline pass what is left of it.</remarks>
    /// <exception cref="LinuxException">poll failed.</exception>
    internal static bool Poll(SafeHandle fd, short events, int timeoutMs)
    {
        var added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            var pfd = new Libc.PollFd { Fd = (int)fd.DangerousGetHandle(), Events = events };
            var pointer = &pfd;
            var ready = Eintr.Retry(() => Libc.poll(pointer, 1, timeoutMs));
            return ready >= 0 ? ready > 0 : throw Errors.Last("poll");
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }
}
