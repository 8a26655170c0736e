using System.Text;

namespace RainForest.Linux;

/// <summary>A close-on-exec pipe whose ends are raw descriptors, for handing one end to a spawned child.</summary>
public sealed class Pipe : IDisposable
{
    private Pipe(int readFd, int writeFd)
    {
        ReadFd = readFd;
        WriteFd = writeFd;
    }

    /// <summary>The read end, or -1 once closed.</summary>
    public int ReadFd { get; private set; }

    /// <summary>The write end, or -1 once closed.</summary>
    public int WriteFd { get; private set; }

    /// <summary>Creates a pipe; both ends are close-on-exec until dup2'd into a child.</summary>
    public static unsafe Pipe Create()
    {
        var fds = stackalloc int[2];
        if (Interop.Libc.pipe2(fds, Interop.Libc.O_CLOEXEC) < 0)
        {
            throw Interop.LastError("pipe2");
        }

        return new Pipe(fds[0], fds[1]);
    }

    /// <summary>Closes the write end (after the child got its copy), so the reader sees end of file when the child is done.</summary>
    public void CloseWrite()
    {
        if (WriteFd >= 0)
        {
            Interop.Libc.close(WriteFd);
            WriteFd = -1;
        }
    }

    /// <summary>
    /// Reads until a newline, end of file or until <paramref name="timeout"/> passes; returns what arrived and whether it was complete.
    /// </summary>
    /// <remarks>A line, not end of file, because the child's own children may keep the write end open.</remarks>
    public unsafe (string Text, bool Complete) ReadLine(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var result = new List<byte>();
        var buffer = stackalloc byte[4096];
        while (true)
        {
            var left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                return (Encoding.UTF8.GetString([.. result]), false);
            }

            var pfd = new Interop.Libc.PollFd { Fd = ReadFd, Events = Interop.Libc.POLLIN };
            var ready = Interop.Libc.poll(&pfd, 1, (int)left);
            if (ready < 0)
            {
                var e = Interop.LastError("poll");
                if (e.Errno == Interop.Errno.EINTR)
                {
                    continue;
                }

                throw e;
            }

            if (ready == 0)
            {
                continue;
            }

            var n = Interop.Libc.read(ReadFd, buffer, 4096);
            if (n < 0)
            {
                var e = Interop.LastError("read");
                if (e.Errno == Interop.Errno.EINTR)
                {
                    continue;
                }

                throw e;
            }

            if (n == 0)
            {
                return (Encoding.UTF8.GetString([.. result]), true);
            }

            result.AddRange(new ReadOnlySpan<byte>(buffer, (int)n));
            if (result.Contains((byte)'\n'))
            {
                return (Encoding.UTF8.GetString([.. result]), true);
            }
        }
    }

    /// <summary>Writes a string to a raw descriptor (used by the agent to report readiness on fd 3).</summary>
    public static unsafe void WriteAll(int fd, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        fixed (byte* p = bytes)
        {
            var done = 0;
            while (done < bytes.Length)
            {
                var n = Interop.Libc.write(fd, p + done, bytes.Length - done);
                if (n < 0)
                {
                    var e = Interop.LastError("write");
                    if (e.Errno == Interop.Errno.EINTR)
                    {
                        continue;
                    }

                    throw e;
                }

                done += (int)n;
            }
        }
    }

    /// <summary>Closes a raw descriptor.</summary>
    public static void Close(int fd) => Interop.Libc.close(fd);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (ReadFd >= 0)
        {
            Interop.Libc.close(ReadFd);
            ReadFd = -1;
        }

        CloseWrite();
    }
}
