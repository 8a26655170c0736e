using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    internal const int SECCOMP_MODE_FILTER = 2;

    /// <summary>struct sock_fprog: the filter length, then a pointer to the instructions.</summary>
    /// <remarks>
    /// 16 bytes on LP64: unsigned short len at 0, six bytes of padding, struct sock_filter *filter at 8.
    /// Sequential layout reproduces the padding because the pointer is 8-byte aligned.
    /// </remarks>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct SockFprog
    {
        internal const int Size = 16;

        public ushort Length;
        public void* Filter;
    }
}
