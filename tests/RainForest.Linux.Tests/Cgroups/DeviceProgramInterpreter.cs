using RainForest.Linux.Security;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>
/// Runs a generated device program on a <c>bpf_cgroup_dev_ctx</c> the way the kernel would, for the few
/// instructions the generator emits, so that the tests can check allow and deny for every kind of access.
/// </summary>
internal static class DeviceProgramInterpreter
{
    public static long Run(EbpfInstruction[] program, uint accessType, uint major, uint minor)
    {
        var ctx = new uint[] { accessType, major, minor };
        var r = new ulong[11];
        for (var pc = 0; pc < program.Length; pc++)
        {
            var insn = program[pc];
            switch (insn.Code)
            {
                case Ebpf.Ldx | Ebpf.Mem | Ebpf.W:
                    Assert.Equal(Ebpf.R1, insn.Src);
                    r[insn.Dst] = ctx[insn.Offset / 4];
                    break;
                case Ebpf.Alu | Ebpf.And | Ebpf.K:
                    r[insn.Dst] = (uint)r[insn.Dst] & (uint)insn.Imm;
                    break;
                case Ebpf.Alu | Ebpf.Rsh | Ebpf.K:
                    r[insn.Dst] = (uint)r[insn.Dst] >> insn.Imm;
                    break;
                case Ebpf.Alu64 | Ebpf.Mov | Ebpf.X:
                    r[insn.Dst] = r[insn.Src];
                    break;
                case Ebpf.Alu64 | Ebpf.Mov | Ebpf.K:
                    r[insn.Dst] = (ulong)(long)insn.Imm;
                    break;
                case Ebpf.Jmp | Ebpf.Jne | Ebpf.K:
                    pc += r[insn.Dst] != (ulong)(long)insn.Imm ? insn.Offset : 0;
                    break;
                case Ebpf.Jmp | Ebpf.Jne | Ebpf.X:
                    pc += r[insn.Dst] != r[insn.Src] ? insn.Offset : 0;
                    break;
                case Ebpf.Jmp | Ebpf.Exit:
                    return (long)r[0];
                default:
                    Assert.Fail($"instruction {pc} has an opcode the interpreter does not know: {insn}");
                    break;
            }
        }

        Assert.Fail("the program ran off its end");
        return -1;
    }
}
