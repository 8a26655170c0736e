using System.Runtime.InteropServices;

namespace RainForest.Linux;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const nuint TIOCSWINSZ = 0x5414;
        internal const nuint TIOCGWINSZ = 0x5413;
        internal const nuint SIOCGIFFLAGS = 0x8913;
        internal const nuint SIOCSIFFLAGS = 0x8914;

        [StructLayout(LayoutKind.Sequential)]
        internal struct WinSize
        {
            public ushort Rows;
            public ushort Cols;
            public ushort XPixel;
            public ushort YPixel;
        }

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int posix_openpt(int flags);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int grantpt(int fd);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int unlockpt(int fd);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static unsafe partial int ptsname_r(int fd, byte* buffer, nuint length);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static unsafe partial int tcgetattr(int fd, byte* termios);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static unsafe partial int tcsetattr(int fd, int actions, byte* termios);

        [LibraryImport(Libraries.Libc)]
        internal static unsafe partial void cfmakeraw(byte* termios);

        [LibraryImport(Libraries.Libc)]
        internal static partial int isatty(int fd);
    }
}
