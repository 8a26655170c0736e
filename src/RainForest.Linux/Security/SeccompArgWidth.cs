namespace RainForest.Linux.Security;

/// <summary>Which part of a 64-bit argument slot of <c>seccomp_data</c> a condition compares.</summary>
/// <remarks>
/// seccomp_data holds every argument as a 64-bit slot, and classic BPF loads 32 bits at a time, so a
/// full comparison takes two loads. Compare what the kernel uses: for an argument the kernel declares
/// <c>int</c> or <c>unsigned int</c> (or truncates, as <c>clone</c> does its flags) only the low half
/// reaches it, and comparing the high half too would let a caller slip past an equality test by
/// setting high bits the kernel then ignores.
/// </remarks>
public enum SeccompArgWidth
{
    /// <summary>Only the low 32 bits; the high half is ignored whatever it holds.</summary>
    Low32,

    /// <summary>All 64 bits: both halves must match.</summary>
    Full64,
}
