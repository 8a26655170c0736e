using System.Runtime.InteropServices;

namespace RainForest.Linux;

/// <summary>Pseudo-terminals and terminal modes, for <c>rfm exec -t</c>.</summary>
public static class Terminal
{
    // struct termios is 60 bytes on glibc; a larger buffer keeps us safe from layout changes.
    private const int TermiosSize = 128;

    /// <summary>True when <paramref name="fd"/> is a terminal.</summary>
    public static bool IsTerminal(int fd) => Interop.Libc.isatty(fd) == 1;

    /// <summary>Opens a new pseudo-terminal; returns the master descriptor and the slave's path.</summary>
    public static unsafe (int Master, string SlavePath) OpenPty()
    {
        var master = Interop.Libc.posix_openpt(Interop.Libc.O_RDWR | Interop.Libc.O_NOCTTY | Interop.Libc.O_CLOEXEC);
        if (master < 0)
        {
            throw Interop.LastError("posix_openpt", "/dev/ptmx");
        }

        var name = stackalloc byte[128];
        if (Interop.Libc.grantpt(master) < 0 || Interop.Libc.unlockpt(master) < 0 || Interop.Libc.ptsname_r(master, name, 128) != 0)
        {
            var e = Interop.LastError("ptsname");
            Interop.Libc.close(master);
            throw e;
        }

        return (master, Marshal.PtrToStringUTF8((nint)name) ?? throw new InvalidOperationException("ptsname returned nothing"));
    }

    /// <summary>Sets the window size of a terminal.</summary>
    public static unsafe void SetWindowSize(int fd, int rows, int cols)
    {
        if (rows <= 0 || cols <= 0)
        {
            return;
        }

        var size = new Interop.Libc.WinSize { Rows = (ushort)rows, Cols = (ushort)cols };
        Interop.Libc.ioctl(fd, Interop.Libc.TIOCSWINSZ, (nint)(&size));
    }

    /// <summary>Reads the window size of a terminal, or (0, 0).</summary>
    public static unsafe (int Rows, int Cols) GetWindowSize(int fd)
    {
        var size = default(Interop.Libc.WinSize);
        return Interop.Libc.ioctl(fd, Interop.Libc.TIOCGWINSZ, (nint)(&size)) < 0 ? (0, 0) : (size.Rows, size.Cols);
    }

    /// <summary>Puts a terminal in raw mode; dispose the result to restore the old mode.</summary>
    public static unsafe IDisposable MakeRaw(int fd)
    {
        var saved = new byte[TermiosSize];
        fixed (byte* p = saved)
        {
            if (Interop.Libc.tcgetattr(fd, p) < 0)
            {
                throw Interop.LastError("tcgetattr");
            }

            var raw = stackalloc byte[TermiosSize];
            new Span<byte>(p, TermiosSize).CopyTo(new Span<byte>(raw, TermiosSize));
            Interop.Libc.cfmakeraw(raw);
            Interop.Libc.tcsetattr(fd, 0, raw);
        }

        return new Restore(fd, saved);
    }

    /// <summary>Copies bytes from one descriptor to another until end of file or an error.</summary>
    public static unsafe void Copy(int from, int to)
    {
        var buffer = stackalloc byte[16384];
        while (true)
        {
            var n = Interop.Libc.read(from, buffer, 16384);
            if (n < 0 && Marshal.GetLastPInvokeError() == Interop.Errno.EINTR)
            {
                continue;
            }

            if (n <= 0)
            {
                return;
            }

            var done = 0L;
            while (done < n)
            {
                var w = Interop.Libc.write(to, buffer + done, (nint)(n - done));
                if (w < 0 && Marshal.GetLastPInvokeError() == Interop.Errno.EINTR)
                {
                    continue;
                }

                if (w <= 0)
                {
                    return;
                }

                done += w;
            }
        }
    }

    private sealed class Restore(int fd, byte[] saved) : IDisposable
    {
        public unsafe void Dispose()
        {
            fixed (byte* p = saved)
            {
                Interop.Libc.tcsetattr(fd, 0, p);
            }
        }
    }
}
