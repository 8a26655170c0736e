using System.Runtime.InteropServices;

namespace RainForest.Interop;

/// <summary>bpf(2): load, attach and query cgroup device programs.</summary>
/// <remarks>
/// glibc has no wrapper, so the call goes through syscall(2). Each command reads its own member of
/// <c>union bpf_attr</c>; the kernel accepts a size smaller than its union as long as it covers the
/// fields used, and zeroes the rest, so each struct here holds only what its command needs.
/// </remarks>
internal static partial class Libc
{
    internal const int BPF_PROG_LOAD = 5;
    internal const int BPF_PROG_ATTACH = 8;
    internal const int BPF_PROG_DETACH = 9;
    internal const int BPF_PROG_GET_FD_BY_ID = 13;
    internal const int BPF_OBJ_GET_INFO_BY_FD = 15;
    internal const int BPF_PROG_QUERY = 16;

    internal const uint BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    internal const uint BPF_CGROUP_DEVICE = 6;
    internal const uint BPF_F_ALLOW_MULTI = 2;
    internal const int BPF_OBJ_NAME_LEN = 16;
    internal const int BPF_TAG_SIZE = 8;

    /// <summary>The bpf system call number, which differs between architectures (unlike the new mount API's).</summary>
    internal static nint SYS_bpf => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        var other => throw new PlatformNotSupportedException($"bpf(2) has no known number on {other}"),
    };

    /// <summary>The <c>BPF_PROG_LOAD</c> member of <c>union bpf_attr</c>, up to <c>expected_attach_type</c>.</summary>
    /// <remarks>Pointers travel as <c>__aligned_u64</c>; explicit offsets keep the layout the header's, checked in the tests.</remarks>
    [StructLayout(LayoutKind.Explicit, Size = Size)]
    internal unsafe struct BpfProgLoadAttr
    {
        internal const int Size = 72;

        [FieldOffset(0)] public uint ProgType;
        [FieldOffset(4)] public uint InsnCnt;
        [FieldOffset(8)] public ulong Insns;
        [FieldOffset(16)] public ulong License;
        [FieldOffset(24)] public uint LogLevel;
        [FieldOffset(28)] public uint LogSize;
        [FieldOffset(32)] public ulong LogBuf;
        [FieldOffset(40)] public uint KernVersion;
        [FieldOffset(44)] public uint ProgFlags;
        [FieldOffset(48)] public fixed byte ProgName[BPF_OBJ_NAME_LEN];
        [FieldOffset(64)] public uint ProgIfindex;
        [FieldOffset(68)] public uint ExpectedAttachType;
    }

    /// <summary>The <c>BPF_PROG_ATTACH</c> and <c>BPF_PROG_DETACH</c> member: target_fd, attach_bpf_fd, attach_type, attach_flags.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BpfProgAttachAttr
    {
        internal const int Size = 16;

        public int TargetFd;
        public int AttachBpfFd;
        public uint AttachType;
        public uint AttachFlags;
    }

    /// <summary>The <c>BPF_PROG_QUERY</c> member, up to <c>prog_cnt</c> (32 bytes with the padding that follows it).</summary>
    [StructLayout(LayoutKind.Explicit, Size = Size)]
    internal struct BpfProgQueryAttr
    {
        internal const int Size = 32;

        [FieldOffset(0)] public int TargetFd;
        [FieldOffset(4)] public uint AttachType;
        [FieldOffset(8)] public uint QueryFlags;
        [FieldOffset(12)] public uint AttachFlags;
        [FieldOffset(16)] public ulong ProgIds;
        [FieldOffset(24)] public uint ProgCnt;
    }

    /// <summary>The <c>BPF_PROG_GET_FD_BY_ID</c> member: prog_id, next_id, open_flags.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BpfGetIdAttr
    {
        internal const int Size = 12;

        public uint ProgId;
        public uint NextId;
        public uint OpenFlags;
    }

    /// <summary>The <c>BPF_OBJ_GET_INFO_BY_FD</c> member: bpf_fd, info_len, info (a pointer).</summary>
    [StructLayout(LayoutKind.Explicit, Size = Size)]
    internal struct BpfObjInfoAttr
    {
        internal const int Size = 16;

        [FieldOffset(0)] public int BpfFd;
        [FieldOffset(4)] public uint InfoLen;
        [FieldOffset(8)] public ulong Info;
    }

    /// <summary>The head of <c>struct bpf_prog_info</c>, up to <c>name</c>: the kernel fills as much as info_len asks for.</summary>
    [StructLayout(LayoutKind.Explicit, Size = Size)]
    internal unsafe struct BpfProgInfo
    {
        internal const int Size = 80;

        [FieldOffset(0)] public uint Type;
        [FieldOffset(4)] public uint Id;
        [FieldOffset(8)] public fixed byte Tag[BPF_TAG_SIZE];
        [FieldOffset(64)] public fixed byte Name[BPF_OBJ_NAME_LEN];
    }

    [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
    internal static unsafe partial nint syscall_bpf(nint number, int cmd, void* attr, uint size);
}
