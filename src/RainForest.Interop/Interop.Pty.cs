using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    // struct termios is 60 bytes in glibc (checked in the tests); callers pass this much room.
    internal const int TermiosSize = 128;
    internal const int TCSANOW = 0;

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int posix_openpt(int flags);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int grantpt(SafeHandle fd);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int unlockpt(SafeHandle fd);

    /// <summary>Returns an errno value, not -1.</summary>
    [LibraryImport(Libraries.Libc)]
    internal static unsafe partial int ptsname_r(SafeHandle fd, byte* buffer, nuint length);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial int tcgetattr(SafeHandle fd, byte* termios);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial int tcsetattr(SafeHandle fd, int actions, byte* termios);

    [LibraryImport(Libraries.Libc)]
    internal static unsafe partial void cfmakeraw(byte* termios);

    /// <summary>1 for a terminal; 0 with errno ENOTTY (or EBADF) otherwise.</summary>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int isatty(SafeHandle fd);
}
