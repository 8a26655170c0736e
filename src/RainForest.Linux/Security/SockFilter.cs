using System.Runtime.InteropServices;

namespace RainForest.Linux.Security;

/// <summary>One classic BPF instruction, laid out as the kernel's <c>struct sock_filter</c>.</summary>
/// <remarks>
/// 8 bytes, no padding: <c>__u16 code</c> at 0, <c>__u8 jt</c> at 2, <c>__u8 jf</c> at 3, <c>__u32 k</c> at 4.
/// The fields are in the kernel's order and naturally aligned, so an array of these is the exact
/// byte image <c>seccomp(2)</c> reads through <c>struct sock_fprog</c>.
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = Size)]
public readonly record struct SockFilter(ushort Code, byte Jt, byte Jf, uint K)
{
    /// <summary>The size of <c>struct sock_filter</c> in bytes.</summary>
    public const int Size = 8;

    /// <inheritdoc />
    public override string ToString() => $"{{ 0x{Code:x2}, {Jt}, {Jf}, 0x{K:x8} }}";
}
