using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using RainForest.Interop;

namespace RainForest.Linux;

/// <summary>A close-on-exec pipe, for handing one end to a spawned child (see <see cref="SpawnOptions.Fds"/>).</summary>
public sealed class Pipe : IDisposable
{
    private Pipe(SafeFileHandle read, SafeFileHandle write)
    {
        Read = read;
        Write = write;
    }

    /// <summary>The read end.</summary>
    public SafeFileHandle Read { get; }

    /// <summary>The write end; closed by <see cref="CloseWrite"/>.</summary>
    public SafeFileHandle Write { get; }

    /// <summary>Creates a pipe; both ends are close-on-exec until dup2'd into a child.</summary>
    /// <exception cref="LinuxException">pipe2 failed (EMFILE: too many open descriptors).</exception>
    public static Pipe Create()
    {
        var (read, write) = Interop.Descriptors.Pipe();
        return new Pipe(read, write);
    }

    /// <summary>Closes the write end (after the child got its copy), so the reader sees end of file when the child is done.</summary>
    public void CloseWrite() => Write.Dispose();

    /// <summary>
    /// Reads until a newline, end of file or until <paramref name="timeout"/> passes; returns what arrived and whether it was complete.
    /// </summary>
    /// <remarks>A line, not end of file, because the child's own children may keep the write end open.</remarks>
    /// <exception cref="LinuxException">poll or read failed.</exception>
    public (string Text, bool Complete) ReadLine(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var result = new List<byte>();
        Span<byte> buffer = stackalloc byte[4096];
        while (true)
        {
            var left = deadline - Environment.TickCount64;
            if (left <= 0 || !Interop.Descriptors.Poll(Read, Interop.Libc.POLLIN, (int)left))
            {
                return (Encoding.UTF8.GetString([.. result]), false);
            }

            var n = Interop.Descriptors.Read(Read, buffer);
            if (n == 0)
            {
                return (Encoding.UTF8.GetString([.. result]), true);
            }

            result.AddRange(buffer[..n]);
            if (result.Contains((byte)'\n'))
            {
                return (Encoding.UTF8.GetString([.. result]), true);
            }
        }
    }

    /// <summary>Writes a string to a descriptor (the agent reports readiness on the fd 3 it inherited).</summary>
    /// <exception cref="LinuxException">write failed (EPIPE: the reader is gone).</exception>
    public static void WriteAll(SafeHandle fd, string text) => Interop.Descriptors.WriteAll(fd, Encoding.UTF8.GetBytes(text));

    /// <inheritdoc/>
    public void Dispose()
    {
        Read.Dispose();
        Write.Dispose();
    }
}
