using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    /// <summary>Open-file-description locks (Linux 3.15): owned by the open file, not the process, and dropped when it closes or the process dies.</summary>
    internal const int F_OFD_GETLK = 36;
    internal const int F_OFD_SETLK = 37;
    internal const short F_RDLCK = 0;
    internal const short F_WRLCK = 1;
    internal const short F_UNLCK = 2;
    internal const short SEEK_SET = 0;

    /// <summary><c>struct flock</c> as x86-64 and arm64 glibc lay it out (32 bytes; checked in the tests).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 32)]
    internal struct Flock
    {
        [FieldOffset(0)] public short Type;
        [FieldOffset(2)] public short Whence;
        [FieldOffset(8)] public long Start;
        [FieldOffset(16)] public long Length;
        [FieldOffset(24)] public int Pid;
    }

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int fcntl(SafeHandle fd, int command, ref Flock flock);
}
