using System.Runtime.InteropServices;

namespace RainForest.Linux;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int SOL_SOCKET = 1;
        internal const int SCM_RIGHTS = 1;
        internal const int MSG_NOSIGNAL = 0x4000;
        internal const int MSG_CMSG_CLOEXEC = 0x40000000;

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

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static unsafe partial nint sendmsg(nint fd, MsgHdr* msg, int flags);

        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static unsafe partial nint recvmsg(nint fd, MsgHdr* msg, int flags);
    }
}
