namespace RainForest.Linux.Security;

/// <summary>eBPF opcode parts and registers (linux/bpf.h, linux/bpf_common.h), the few a cgroup device program needs.</summary>
/// <remarks>An instruction's code is the OR of a class, an operation or size, and a source or mode; the tests compare the ORed codes with the C headers.</remarks>
public static class Ebpf
{
    /// <summary>Load from memory into a register (<c>BPF_LDX</c>).</summary>
    public const byte Ldx = 0x01;

    /// <summary>Conditional and unconditional jumps, calls and exit, comparing 64 bits (<c>BPF_JMP</c>).</summary>
    public const byte Jmp = 0x05;

    /// <summary>32-bit arithmetic; the result is zero-extended into the 64-bit register (<c>BPF_ALU</c>).</summary>
    public const byte Alu = 0x04;

    /// <summary>64-bit arithmetic (<c>BPF_ALU64</c>).</summary>
    public const byte Alu64 = 0x07;

    /// <summary>Word (32-bit) access (<c>BPF_W</c>).</summary>
    public const byte W = 0x00;

    /// <summary>Memory at a register plus an offset (<c>BPF_MEM</c>).</summary>
    public const byte Mem = 0x60;

    /// <summary>The operand is the immediate (<c>BPF_K</c>).</summary>
    public const byte K = 0x00;

    /// <summary>The operand is the source register (<c>BPF_X</c>).</summary>
    public const byte X = 0x08;

    /// <summary>ALU and (<c>BPF_AND</c>).</summary>
    public const byte And = 0x50;

    /// <summary>ALU logical right shift (<c>BPF_RSH</c>).</summary>
    public const byte Rsh = 0x70;

    /// <summary>ALU move (<c>BPF_MOV</c>).</summary>
    public const byte Mov = 0xb0;

    /// <summary>Jump if not equal (<c>BPF_JNE</c>).</summary>
    public const byte Jne = 0x50;

    /// <summary>Return r0 to the caller (<c>BPF_EXIT</c>).</summary>
    public const byte Exit = 0x90;

    /// <summary>The return value.</summary>
    public const byte R0 = 0;

    /// <summary>The first argument: the program's context.</summary>
    public const byte R1 = 1;

    /// <summary>Scratch register 2.</summary>
    public const byte R2 = 2;

    /// <summary>Scratch register 3.</summary>
    public const byte R3 = 3;

    /// <summary>Scratch register 4.</summary>
    public const byte R4 = 4;

    /// <summary>Scratch register 5.</summary>
    public const byte R5 = 5;

    /// <summary>The read-only frame pointer, the highest register.</summary>
    public const byte R10 = 10;
}
