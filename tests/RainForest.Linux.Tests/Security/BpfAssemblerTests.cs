using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RainForest.Linux.Security;

namespace RainForest.Linux.Tests.Security;

public sealed class BpfAssemblerTests
{
    private const uint Yes = 1;
    private const uint No = 2;

    [Fact]
    public void SockFilter_Layout_IsTheKernels8Bytes()
    {
        Assert.Equal(8, SockFilter.Size);
        Assert.Equal(8, Unsafe.SizeOf<SockFilter>());
        Assert.Equal(8, Marshal.SizeOf<SockFilter>());

        var bytes = MemoryMarshal.AsBytes(new[] { new SockFilter(0x1234, 0x56, 0x78, 0x9abcdef0) }.AsSpan()).ToArray();

        Assert.Equal(new byte[] { 0x34, 0x12, 0x56, 0x78, 0xf0, 0xde, 0xbc, 0x9a }, bytes);
    }

    [Fact]
    public void SockFprog_Layout_IsLengthThenPointerAt8()
    {
        Assert.Equal(Interop.Libc.SockFprog.Size, Unsafe.SizeOf<Interop.Libc.SockFprog>());
        Assert.Equal(0, (int)Marshal.OffsetOf<Interop.Libc.SockFprog>(nameof(Interop.Libc.SockFprog.Length)));
        Assert.Equal(8, (int)Marshal.OffsetOf<Interop.Libc.SockFprog>(nameof(Interop.Libc.SockFprog.Filter)));
    }

    [Fact]
    public void Assemble_ForwardLabels_ResolveToOffsets()
    {
        var asm = new BpfAssembler();
        var yes = asm.DefineLabel();
        asm.LoadAbsolute(SeccompData.Nr);
        asm.Jump(Bpf.Jeq, 7, yes, null);
        asm.Return(No);
        asm.Mark(yes);
        asm.Return(Yes);

        var program = asm.Assemble();

        Assert.Equal(4, program.Length);
        Assert.Equal(new SockFilter(Bpf.Jmp | Bpf.Jeq, 1, 0, 7), program[1]);
        Assert.Equal(Yes, SeccompInterpreter.Run(program, SeccompInterpreter.Data(7, 0)));
        Assert.Equal(No, SeccompInterpreter.Run(program, SeccompInterpreter.Data(8, 0)));
    }

    [Fact]
    public void Assemble_ShortJumps_AreNotRelaxed()
    {
        var asm = new BpfAssembler();
        var end = asm.DefineLabel();
        asm.LoadAbsolute(SeccompData.Nr);
        asm.Jump(Bpf.Jeq, 7, end, null);
        for (var i = 0; i < 200; i++)
        {
            asm.LoadAbsolute(SeccompData.Arch);
        }

        asm.Mark(end);
        asm.Return(Yes);

        var program = asm.Assemble();

        Assert.Equal(203, program.Length);
        Assert.Equal(200, program[1].Jt);
    }

    [Theory]
    [InlineData(128)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(1000)]
    public void Assemble_ConditionalJumpPastFiller_ReachesTarget(int filler)
    {
        var asm = new BpfAssembler();
        var far = asm.DefineLabel();
        var farFalse = asm.DefineLabel();
        asm.LoadAbsolute(SeccompData.Nr);
        asm.Jump(Bpf.Jeq, 7, far, farFalse);
        for (var i = 0; i < filler; i++)
        {
            asm.LoadAbsolute(SeccompData.Arch);
        }

        asm.Mark(far);
        asm.Return(Yes);
        for (var i = 0; i < filler; i++)
        {
            asm.LoadAbsolute(SeccompData.Arch);
        }

        asm.Mark(farFalse);
        asm.Return(No);

        var program = asm.Assemble();

        Assert.Equal(Yes, SeccompInterpreter.Run(program, SeccompInterpreter.Data(7, 0)));
        Assert.Equal(No, SeccompInterpreter.Run(program, SeccompInterpreter.Data(8, 0)));
        Assert.Contains(program, insn => insn.Code == (Bpf.Jmp | Bpf.Ja));
    }

    [Fact]
    public void Assemble_BackwardJump_Throws()
    {
        var asm = new BpfAssembler();
        var back = asm.DefineLabel();
        asm.Mark(back);
        asm.LoadAbsolute(SeccompData.Nr);
        asm.Jump(Bpf.Jeq, 1, back, null);
        asm.Return(Yes);

        var error = Assert.Throws<InvalidOperationException>(asm.Assemble);
        Assert.Contains("backward", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Assemble_UnmarkedLabel_Throws()
    {
        var asm = new BpfAssembler();
        asm.Jump(Bpf.Jeq, 1, asm.DefineLabel(), null);
        asm.Return(Yes);

        Assert.Throws<InvalidOperationException>(asm.Assemble);
    }

    [Fact]
    public void Assemble_NoReturnAtEnd_Throws()
    {
        var asm = new BpfAssembler();
        asm.LoadAbsolute(SeccompData.Nr);

        Assert.Throws<InvalidOperationException>(asm.Assemble);
    }

    [Fact]
    public void Assemble_TooLong_Throws()
    {
        var asm = new BpfAssembler();
        for (var i = 0; i < Bpf.MaxInstructions; i++)
        {
            asm.LoadAbsolute(SeccompData.Nr);
        }

        asm.Return(Yes);

        Assert.Throws<InvalidOperationException>(asm.Assemble);
    }

    [Fact]
    public void Mark_Twice_Throws()
    {
        var asm = new BpfAssembler();
        var label = asm.DefineLabel();
        asm.Mark(label);

        Assert.Throws<InvalidOperationException>(() => asm.Mark(label));
    }

    [Fact]
    public void Emit_JumpOpcode_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new BpfAssembler().Emit(Bpf.Jmp | Bpf.Ja, 3));
    }
}
