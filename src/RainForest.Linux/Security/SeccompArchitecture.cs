using System.Runtime.InteropServices;

namespace RainForest.Linux.Security;

/// <summary>An architecture a seccomp profile is built for: its AUDIT_ARCH value, its system call numbers, and the ABI bit to reject.</summary>
public sealed class SeccompArchitecture
{
    private const uint AuditArchX64 = 0xC000003E;

    // x32 calls arrive with AUDIT_ARCH_X86_64 and the number OR'd with __X32_SYSCALL_BIT.
    private const uint X32SyscallBit = 0x40000000;

    private SeccompArchitecture(string name, uint auditArch, uint? foreignAbiBit, IReadOnlyDictionary<string, int> syscalls)
    {
        Name = name;
        AuditArch = auditArch;
        ForeignAbiBit = foreignAbiBit;
        Syscalls = syscalls;
    }

    /// <summary>x86_64, AUDIT_ARCH_X86_64; rejects the x32 ABI.</summary>
    public static SeccompArchitecture X64 { get; } = new("x86_64", AuditArchX64, X32SyscallBit, SyscallTable.X64);

    /// <summary>The architecture of the running process.</summary>
    /// <exception cref="PlatformNotSupportedException">The process is not x86_64: RainForest ships only x86_64 system call numbers.</exception>
    public static SeccompArchitecture Current => RuntimeInformation.ProcessArchitecture == Architecture.X64
        ? X64
        : throw new PlatformNotSupportedException(
            $"RainForest's seccomp profiles carry x86_64 system call numbers only; this process is {RuntimeInformation.ProcessArchitecture}. " +
            "Filtering with x86_64 numbers here would deny the wrong calls, so no profile is built.");

    /// <summary>The kernel's name for it.</summary>
    public string Name { get; }

    /// <summary>The AUDIT_ARCH_* value the kernel puts in <c>seccomp_data.arch</c>.</summary>
    public uint AuditArch { get; }

    /// <summary>
    /// A number bit marking calls of a second ABI that shares <see cref="AuditArch"/> (x32 on x86_64), or null.
    /// Numbers at or above it are rejected before any rule, since the rules' numbers would not match them.
    /// </summary>
    public uint? ForeignAbiBit { get; }

    /// <summary>The system call numbers the profiles use, by name.</summary>
    public IReadOnlyDictionary<string, int> Syscalls { get; }

    /// <summary>The number of <paramref name="syscall"/>.</summary>
    /// <exception cref="ArgumentException">The table does not hold it.</exception>
    public int Number(string syscall) => Syscalls.TryGetValue(syscall, out var number)
        ? number
        : throw new ArgumentException($"No {Name} number for system call '{syscall}' in RainForest's table.", nameof(syscall));

    /// <inheritdoc />
    public override string ToString() => Name;
}
