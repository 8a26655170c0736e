namespace RainForest.Linux.Security;

/// <summary>Classic BPF opcode parts (linux/bpf_common.h); an instruction's code is the OR of a class, a size or op, and a mode or source.</summary>
public static class Bpf
{
    /// <summary>Load into the accumulator.</summary>
    public const ushort Ld = 0x00;

    /// <summary>Load into the index register.</summary>
    public const ushort Ldx = 0x01;

    /// <summary>Arithmetic on the accumulator.</summary>
    public const ushort Alu = 0x04;

    /// <summary>Jump.</summary>
    public const ushort Jmp = 0x05;

    /// <summary>Return.</summary>
    public const ushort Ret = 0x06;

    /// <summary>Word (32-bit) access.</summary>
    public const ushort W = 0x00;

    /// <summary>Half-word access.</summary>
    public const ushort H = 0x08;

    /// <summary>Byte access.</summary>
    public const ushort B = 0x10;

    /// <summary>Immediate operand.</summary>
    public const ushort Imm = 0x00;

    /// <summary>Absolute offset into the packet (for seccomp: into <c>struct seccomp_data</c>).</summary>
    public const ushort Abs = 0x20;

    /// <summary>ALU and.</summary>
    public const ushort And = 0x50;

    /// <summary>ALU or.</summary>
    public const ushort Or = 0x40;

    /// <summary>ALU right shift.</summary>
    public const ushort Rsh = 0x70;

    /// <summary>Unconditional jump by k.</summary>
    public const ushort Ja = 0x00;

    /// <summary>Jump if A == k.</summary>
    public const ushort Jeq = 0x10;

    /// <summary>Jump if A &gt; k (unsigned).</summary>
    public const ushort Jgt = 0x20;

    /// <summary>Jump if A &gt;= k (unsigned).</summary>
    public const ushort Jge = 0x30;

    /// <summary>Jump if (A &amp; k) != 0.</summary>
    public const ushort Jset = 0x40;

    /// <summary>Operand is the constant k.</summary>
    public const ushort K = 0x00;

    /// <summary>Operand is the index register.</summary>
    public const ushort X = 0x08;

    /// <summary>Return the accumulator rather than k.</summary>
    public const ushort RetA = 0x10;

    /// <summary>The most instructions the kernel accepts in one program (BPF_MAXINSNS).</summary>
    public const int MaxInstructions = 4096;

    /// <summary>The farthest a conditional jump reaches: jt and jf are 8-bit.</summary>
    public const int MaxConditionalJump = byte.MaxValue;
}
