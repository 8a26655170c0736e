using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using RainForest.Interop;

namespace RainForest.Linux;

/// <summary>Pseudo-terminals and terminal modes, for <c>rfm exec -t</c>.</summary>
public static class Terminal
{
    /// <summary>True when <paramref name="fd"/> is a terminal.</summary>
    public static bool IsTerminal(SafeHandle fd) => Interop.Libc.isatty(fd) == 1;

    /// <summary>Opens a new pseudo-terminal; returns the master (the caller's to dispose) and the slave's path.</summary>
    /// <exception cref="LinuxException">No pseudo-terminal could be made.</exception>
    public static unsafe (SafeFileHandle Master, string SlavePath) OpenPty()
    {
        var master = Interop.Descriptors.Own(
            new SafeFileHandle(),
            Interop.Libc.posix_openpt(Interop.Libc.O_RDWR | Interop.Libc.O_NOCTTY | Interop.Libc.O_CLOEXEC),
            "posix_openpt",
            "/dev/ptmx");
        try
        {
            if (Interop.Libc.grantpt(master) < 0)
            {
                throw Interop.Errors.Last("grantpt", "/dev/ptmx");
            }

            if (Interop.Libc.unlockpt(master) < 0)
            {
                throw Interop.Errors.Last("unlockpt", "/dev/ptmx");
            }

            var name = stackalloc byte[128];
            var error = Interop.Libc.ptsname_r(master, name, 128);
            if (error != 0)
            {
                throw Interop.Errors.For(error, "ptsname", "/dev/ptmx");
            }

            return (master, Marshal.PtrToStringUTF8((nint)name) ?? throw new InvalidOperationException("ptsname returned nothing"));
        }
        catch
        {
            master.Dispose();
            throw;
        }
    }

    /// <summary>Sets the window size of a terminal; a size of zero (no terminal on the caller's side) is left alone.</summary>
    /// <exception cref="LinuxException">The descriptor is not a terminal.</exception>
    public static unsafe void SetWindowSize(SafeHandle fd, int rows, int cols)
    {
        if (rows <= 0 || cols <= 0)
        {
            return;
        }

        var size = new Interop.Libc.WinSize { Rows = (ushort)rows, Cols = (ushort)cols };
        if (Interop.Libc.ioctl(fd, Interop.Libc.TIOCSWINSZ, (nint)(&size)) < 0)
        {
            throw Interop.Errors.Last("ioctl TIOCSWINSZ");
        }
    }

    /// <summary>Reads the window size of a terminal, or (0, 0) when <paramref name="fd"/> is not one.</summary>
    public static unsafe (int Rows, int Cols) GetWindowSize(SafeHandle fd)
    {
        var size = default(Interop.Libc.WinSize);
        return Interop.Libc.ioctl(fd, Interop.Libc.TIOCGWINSZ, (nint)(&size)) < 0 ? (0, 0) : (size.Rows, size.Cols);
    }

    /// <summary>Puts a terminal in raw mode; dispose the result to restore the old mode.</summary>
    /// <exception cref="LinuxException">The mode could not be read or set.</exception>
    public static unsafe IDisposable MakeRaw(SafeHandle fd)
    {
        var saved = new byte[Interop.Libc.TermiosSize];
        fixed (byte* p = saved)
        {
            if (Interop.Libc.tcgetattr(fd, p) < 0)
            {
                throw Interop.Errors.Last("tcgetattr");
            }

            var raw = stackalloc byte[Interop.Libc.TermiosSize];
            new Span<byte>(p, Interop.Libc.TermiosSize).CopyTo(new Span<byte>(raw, Interop.Libc.TermiosSize));
            Interop.Libc.cfmakeraw(raw);
            if (Interop.Libc.tcsetattr(fd, Interop.Libc.TCSANOW, raw) < 0)
            {
                throw Interop.Errors.Last("tcsetattr");
            }
        }

        return new Restore(fd, saved);
    }

    /// <summary>Copies bytes from one descriptor to another until end of file or an error on either side.</summary>
    /// <remarks>An error ends the copy quietly: it is how the copy learns that the program or the caller went away (EIO on a master whose slave closed).</remarks>
    public static void Copy(SafeHandle from, SafeHandle to)
    {
        Span<byte> buffer = stackalloc byte[16384];
        try
        {
            while (Interop.Descriptors.Read(from, buffer) is var n and > 0)
            {
                Interop.Descriptors.WriteAll(to, buffer[..n]);
            }
        }
        catch (Exception e) when (e is LinuxException or ObjectDisposedException)
        {
            // The end of the copy, as above.
        }
    }

    private sealed class Restore(SafeHandle fd, byte[] saved) : IDisposable
    {
        public unsafe void Dispose()
        {
            fixed (byte* p = saved)
            {
                // Best effort on the way out: the terminal may be gone (EIO, EBADF) and then has no mode to restore.
                _ = Interop.Libc.tcsetattr(fd, Interop.Libc.TCSANOW, p);
            }
        }
    }
}
