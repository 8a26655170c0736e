using System.Runtime.InteropServices;

namespace RainForest.Linux.Security;

/// <summary>One eBPF instruction, laid out as the kernel's <c>struct bpf_insn</c>.</summary>
/// <remarks>
/// 8 bytes, no padding: <c>__u8 code</c> at 0; at 1 the bit fields <c>dst_reg:4</c> then <c>src_reg:4</c>, which
/// on a little-endian machine (x86-64, arm64) put dst in the low nibble and src in the high one; <c>__s16 off</c>
/// at 2; <c>__s32 imm</c> at 4. The fields are naturally aligned in the kernel's order, so an array of these
/// is the exact byte image <c>BPF_PROG_LOAD</c> reads. A jump's offset counts instructions from the next one.
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = Size)]
public readonly record struct EbpfInstruction
{
    /// <summary>The size of <c>struct bpf_insn</c> in bytes.</summary>
    public const int Size = 8;

    private readonly byte _code;
    private readonly byte _registers;
    private readonly short _offset;
    private readonly int _imm;

    /// <summary>Creates an instruction from its fields.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A register is beyond r10.</exception>
    public EbpfInstruction(byte code, byte dst, byte src, short offset, int imm)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dst, Ebpf.R10);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(src, Ebpf.R10);
        _code = code;
        _registers = (byte)(dst | (src << 4));
        _offset = offset;
        _imm = imm;
    }

    /// <summary>The opcode.</summary>
    public byte Code => _code;

    /// <summary>The destination register.</summary>
    public byte Dst => (byte)(_registers & 0x0f);

    /// <summary>The source register.</summary>
    public byte Src => (byte)(_registers >> 4);

    /// <summary>The signed offset: a memory displacement, or for a jump the instructions to skip.</summary>
    public short Offset => _offset;

    /// <summary>The signed 32-bit immediate.</summary>
    public int Imm => _imm;

    /// <summary><c>dst = *(u32 *)(src + offset)</c>.</summary>
    public static EbpfInstruction LoadWord(byte dst, byte src, short offset) => new(Ebpf.Ldx | Ebpf.Mem | Ebpf.W, dst, src, offset, 0);

    /// <summary><c>dst = src</c> (64-bit).</summary>
    public static EbpfInstruction Move(byte dst, byte src) => new(Ebpf.Alu64 | Ebpf.Mov | Ebpf.X, dst, src, 0, 0);

    /// <summary><c>dst = imm</c> (64-bit, the immediate sign-extended).</summary>
    public static EbpfInstruction MoveImmediate(byte dst, int imm) => new(Ebpf.Alu64 | Ebpf.Mov | Ebpf.K, dst, 0, 0, imm);

    /// <summary><c>dst = (u32)dst &amp; imm</c>.</summary>
    public static EbpfInstruction And32(byte dst, int imm) => new(Ebpf.Alu | Ebpf.And | Ebpf.K, dst, 0, 0, imm);

    /// <summary><c>dst = (u32)dst &gt;&gt; imm</c>.</summary>
    public static EbpfInstruction RightShift32(byte dst, int imm) => new(Ebpf.Alu | Ebpf.Rsh | Ebpf.K, dst, 0, 0, imm);

    /// <summary><c>if dst != imm goto +offset</c> (64-bit compare with the immediate sign-extended).</summary>
    public static EbpfInstruction JumpIfNotEqual(byte dst, int imm, short offset) => new(Ebpf.Jmp | Ebpf.Jne | Ebpf.K, dst, 0, offset, imm);

    /// <summary><c>if dst != src goto +offset</c>.</summary>
    public static EbpfInstruction JumpIfNotEqualRegister(byte dst, byte src, short offset) => new(Ebpf.Jmp | Ebpf.Jne | Ebpf.X, dst, src, offset, 0);

    /// <summary><c>return r0</c>.</summary>
    public static EbpfInstruction Exit() => new(Ebpf.Jmp | Ebpf.Exit, 0, 0, 0, 0);

    /// <summary>The same instruction with another offset (to patch a jump once its target is known).</summary>
    public EbpfInstruction WithOffset(short offset) => new(_code, Dst, Src, offset, _imm);

    /// <inheritdoc />
    public override string ToString() => $"{{ 0x{_code:x2}, r{Dst}, r{Src}, {_offset}, {_imm} }}";
}
