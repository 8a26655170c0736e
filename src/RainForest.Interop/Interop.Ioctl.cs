using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    internal const nuint TIOCGWINSZ = 0x5413;
    internal const nuint TIOCSWINSZ = 0x5414;
    internal const nuint SIOCGIFFLAGS = 0x8913;
    internal const nuint SIOCSIFFLAGS = 0x8914;

    /// <summary>_IO(0xb7, 0x1) from linux/nsfs.h: a new descriptor for the owning user namespace of a namespace.</summary>
    internal const nuint NS_GET_USERNS = 0xb701;

    /// <summary>struct winsize: four unsigned shorts.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct WinSize
    {
        public ushort Rows;
        public ushort Cols;
        public ushort XPixel;
        public ushort YPixel;
    }

    // ioctl is variadic in C; the one argument travels in a word-sized register either way.
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int ioctl(SafeHandle fd, nuint request, nint arg);
}
