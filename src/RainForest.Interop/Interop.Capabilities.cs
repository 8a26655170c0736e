using System.Runtime.InteropServices;

namespace RainForest.Interop;

internal static partial class Libc
{
    // Version 3 takes two data structs: the low and the high 32 capabilities.
    internal const uint LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    internal const int LINUX_CAPABILITY_U32S_3 = 2;

    /// <summary>struct __user_cap_header_struct: 8 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CapUserHeader
    {
        public uint Version;
        public int Pid;
    }

    /// <summary>struct __user_cap_data_struct: 12 bytes; v3 passes an array of two.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CapUserData
    {
        public uint Effective;
        public uint Permitted;
        public uint Inheritable;
    }

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial int capget(CapUserHeader* header, CapUserData* data);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial int capset(CapUserHeader* header, CapUserData* data);
}
