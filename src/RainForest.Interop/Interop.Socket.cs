using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    internal const int AF_INET = 2;
    internal const int SOCK_DGRAM = 2;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int SOL_SOCKET = 1;
    internal const int SCM_RIGHTS = 1;
    internal const int MSG_NOSIGNAL = 0x4000;
    internal const int MSG_CMSG_CLOEXEC = 0x40000000;
    internal const short IFF_UP = 0x1;
    internal const int IFNAMSIZ = 16;

    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    // struct msghdr on LP64: pointers and size_t are 8 bytes, socklen_t 4 (padded).
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    // struct cmsghdr: size_t len; int level; int type; data follows, 8-byte aligned.
    [StructLayout(LayoutKind.Sequential)]
    internal struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    /// <summary>struct ifreq: the interface name, then a 24-byte union whose first member is the flags (40 bytes).</summary>
    [StructLayout(LayoutKind.Sequential, Size = Size)]
    internal unsafe struct IfReq
    {
        internal const int Size = 40;

        public fixed byte Name[IFNAMSIZ];
        public short Flags;
    }

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int socket(int domain, int type, int protocol);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial nint sendmsg(SafeHandle fd, MsgHdr* msg, int flags);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial nint recvmsg(SafeHandle fd, MsgHdr* msg, int flags);
}
