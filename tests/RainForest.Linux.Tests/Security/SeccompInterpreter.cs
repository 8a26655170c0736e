using System.Buffers.Binary;
using RainForest.Linux.Security;

namespace RainForest.Linux.Tests.Security;

/// <summary>
/// Runs a classic BPF seccomp program on a <c>struct seccomp_data</c>, the way the kernel does, and checks
/// what the kernel's checker would: word loads aligned inside the 64 bytes, jumps in range, no falling off.
/// </summary>
internal static class SeccompInterpreter
{
    public const uint AuditArchX64 = 0xC000003E;
    public const uint AuditArchI386 = 0x40000003;
    public const uint AuditArchAarch64 = 0xC00000B7;

    /// <summary>The seccomp_data bytes for a call (little-endian, as on x86_64).</summary>
    public static byte[] Data(int nr, uint arch, ulong[]? args = null, ulong instructionPointer = 0x401000)
    {
        var data = new byte[SeccompData.Size];
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(0), nr);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), arch);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(8), instructionPointer);
        args ??= [];
        for (var i = 0; i < args.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16 + (8 * i)), args[i]);
        }

        return data;
    }

    public static SeccompAction Run(SockFilter[] program, int nr, uint arch = AuditArchX64, params ulong[] args) =>
        new(Run(program, Data(nr, arch, args)));

    public static uint Run(SockFilter[] program, byte[] data)
    {
        uint a = 0;
        uint x = 0;
        var pc = 0;
        var steps = 0;
        while (true)
        {
            if (pc < 0 || pc >= program.Length)
            {
                throw new InvalidOperationException($"The program ran off its end at {pc}.");
            }

            if (++steps > program.Length)
            {
                throw new InvalidOperationException("The program ran more steps than it has instructions: a jump went backward.");
            }

            var insn = program[pc];
            pc++;
            switch (insn.Code)
            {
                case Bpf.Ld | Bpf.W | Bpf.Abs:
                    if (insn.K % 4 != 0 || insn.K > SeccompData.Size - 4)
                    {
                        throw new InvalidOperationException($"Unaligned or out-of-range load at offset {insn.K}.");
                    }

                    a = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)insn.K));
                    break;
                case Bpf.Ld | Bpf.Imm:
                    a = insn.K;
                    break;
                case Bpf.Ldx | Bpf.Imm:
                    x = insn.K;
                    break;
                case Bpf.Alu | Bpf.And | Bpf.K:
                    a &= insn.K;
                    break;
                case Bpf.Alu | Bpf.And | Bpf.X:
                    a &= x;
                    break;
                case Bpf.Jmp | Bpf.Ja:
                    pc += (int)insn.K;
                    break;
                case Bpf.Jmp | Bpf.Jeq | Bpf.K:
                    pc += a == insn.K ? insn.Jt : insn.Jf;
                    break;
                case Bpf.Jmp | Bpf.Jgt | Bpf.K:
                    pc += a > insn.K ? insn.Jt : insn.Jf;
                    break;
                case Bpf.Jmp | Bpf.Jge | Bpf.K:
                    pc += a >= insn.K ? insn.Jt : insn.Jf;
                    break;
                case Bpf.Jmp | Bpf.Jset | Bpf.K:
                    pc += (a & insn.K) != 0 ? insn.Jt : insn.Jf;
                    break;
                case Bpf.Ret | Bpf.K:
                    return insn.K;
                case Bpf.Ret | Bpf.RetA:
                    return a;
                default:
                    throw new InvalidOperationException($"Opcode 0x{insn.Code:x2} at {pc - 1} is not one the interpreter knows.");
            }
        }
    }
}
