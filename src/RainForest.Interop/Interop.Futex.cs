using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    /// <summary>FUTEX_WAIT without FUTEX_PRIVATE_FLAG: the word lives in a shared file mapping, and the kernel keys it by inode and offset, so waiters in other processes (and other mount or pid namespaces) meet on it.</summary>
    internal const int FUTEX_WAIT = 0;

    /// <summary>FUTEX_WAKE without FUTEX_PRIVATE_FLAG, for the same reason.</summary>
    internal const int FUTEX_WAKE = 1;

    /// <summary>The futex system call number (glibc has no wrapper), which differs between architectures.</summary>
    internal static readonly nint SYS_futex = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        var other => throw new PlatformNotSupportedException($"FICM channels need the futex system call number for {other}"),
    };

    /// <summary><c>struct timespec</c> on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <remarks>
    /// futex(uaddr, op, val, timeout, uaddr2, val3). Every argument is passed word sized: syscall(2) reads six
    /// longs, and a C int in a register has an undefined upper half.
    /// </remarks>
    [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
    internal static unsafe partial nint syscall_futex(nint number, uint* uaddr, nint futexOp, nint val, Timespec* timeout, nint uaddr2, nint val3);
}
