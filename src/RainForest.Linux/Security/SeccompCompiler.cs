namespace RainForest.Linux.Security;

/// <summary>Turns a <see cref="SeccompProfile"/> into classic BPF.</summary>
/// <remarks>
/// Each rule is a block: reload the number if a condition clobbered A, compare, and on a match either
/// return the action or test the argument, jumping to the next block when it does not apply. Blocks
/// fall through to one another, so every jump stays short; the assembler would relax one that did not.
/// </remarks>
internal static class SeccompCompiler
{
    internal static SockFilter[] Compile(SeccompProfile profile)
    {
        var asm = new BpfAssembler();
        var arch = profile.Architecture;

        var archOk = asm.DefineLabel();
        asm.LoadAbsolute(SeccompData.Arch);
        asm.Jump(Bpf.Jeq, arch.AuditArch, archOk, null);
        asm.Return(profile.ArchMismatchAction.Value);
        asm.Mark(archOk);

        asm.LoadAbsolute(SeccompData.Nr);
        if (arch.ForeignAbiBit is { } bit)
        {
            var native = asm.DefineLabel();
            asm.Jump(Bpf.Jge, bit, null, native);
            asm.Return(profile.ForeignAbiAction.Value);
            asm.Mark(native);
        }

        var holdsNr = true;
        foreach (var rule in profile.Rules)
        {
            if (!holdsNr)
            {
                asm.LoadAbsolute(SeccompData.Nr);
            }

            var next = asm.DefineLabel();
            asm.Jump(Bpf.Jeq, (uint)rule.Number, null, next);
            if (rule.When is { } when)
            {
                var deny = asm.DefineLabel();
                EmitCondition(asm, when, deny, next);
                asm.Mark(deny);
                holdsNr = false;
            }

            asm.Return(rule.Action.Value);
            asm.Mark(next);
        }

        asm.Return(SeccompAction.Allow.Value);
        return asm.Assemble();
    }

    /// <summary>Emits code that goes to <paramref name="deny"/> when the condition holds and to <paramref name="next"/> otherwise.</summary>
    private static void EmitCondition(BpfAssembler asm, SeccompArgCondition when, BpfLabel deny, BpfLabel next)
    {
        var full = when.Width == SeccompArgWidth.Full64;
        var low = SeccompData.ArgLow(when.Index);
        var high = SeccompData.ArgHigh(when.Index);
        switch (when.Match)
        {
            case SeccompArgMatch.AnyBitSet:
                var mask = when.Values[0];
                if (full && mask >> 32 != 0)
                {
                    asm.LoadAbsolute(high);
                    asm.Jump(Bpf.Jset, (uint)(mask >> 32), deny, null);
                }

                asm.LoadAbsolute(low);
                asm.Jump(Bpf.Jset, (uint)mask, deny, next);
                break;

            case SeccompArgMatch.OneOf:
                EmitEquals(asm, when.Values, full, low, high, onEqual: deny);
                asm.Goto(next);
                break;

            case SeccompArgMatch.NoneOf:
                EmitEquals(asm, when.Values, full, low, high, onEqual: next);
                asm.Goto(deny);
                break;
        }
    }

    /// <summary>Jumps to <paramref name="onEqual"/> when the argument equals a value; falls through after the last.</summary>
    private static void EmitEquals(BpfAssembler asm, IReadOnlyList<ulong> values, bool full, uint low, uint high, BpfLabel onEqual)
    {
        if (!full)
        {
            asm.LoadAbsolute(low);
            foreach (var value in values)
            {
                asm.Jump(Bpf.Jeq, (uint)value, onEqual, null);
            }

            return;
        }

        foreach (var value in values)
        {
            var differs = asm.DefineLabel();
            asm.LoadAbsolute(high);
            asm.Jump(Bpf.Jeq, (uint)(value >> 32), null, differs);
            asm.LoadAbsolute(low);
            asm.Jump(Bpf.Jeq, (uint)value, onEqual, differs);
            asm.Mark(differs);
        }
    }
}
