namespace RainForest.Linux.Security;

/// <summary>Offsets in <c>struct seccomp_data</c>, the input a seccomp filter reads with absolute loads.</summary>
/// <remarks>
/// <c>int nr</c> at 0, <c>__u32 arch</c> at 4, <c>__u64 instruction_pointer</c> at 8, <c>__u64 args[6]</c> at 16;
/// 64 bytes. The layout is the same on every architecture; values are in the machine's byte order, so on
/// the little-endian machines we ship the low half of an argument comes first.
/// </remarks>
public static class SeccompData
{
    /// <summary>The size of <c>struct seccomp_data</c>.</summary>
    public const int Size = 64;

    /// <summary>Offset of the system call number.</summary>
    public const uint Nr = 0;

    /// <summary>Offset of the AUDIT_ARCH_* value.</summary>
    public const uint Arch = 4;

    /// <summary>Offset of the instruction pointer.</summary>
    public const uint InstructionPointer = 8;

    /// <summary>Offset of the low 32 bits of argument <paramref name="index"/> (little-endian).</summary>
    public static uint ArgLow(int index) => 16 + (8 * (uint)index);

    /// <summary>Offset of the high 32 bits of argument <paramref name="index"/> (little-endian).</summary>
    public static uint ArgHigh(int index) => 20 + (8 * (uint)index);
}
