using System.Runtime.InteropServices;
using System.Security.Cryptography;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Security;

namespace RainForest.Linux.Tests.Cgroups;

public sealed class DeviceProgramTests
{
    private const uint Block = 1;
    private const uint Char = 2;
    private const uint Mknod = 1;
    private const uint Read = 2;
    private const uint Write = 4;

    private static byte[] Bytes(params EbpfInstruction[] program) => MemoryMarshal.AsBytes(program.AsSpan()).ToArray();

    [Fact]
    public void EbpfInstruction_Layout_IsStructBpfInsn()
    {
        Assert.Equal(EbpfInstruction.Size, Marshal.SizeOf<EbpfInstruction>());

        // code; dst in the low nibble, src in the high one; off little-endian; imm little-endian.
        Assert.Equal(new byte[] { 0x61, 0x12, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00 }, Bytes(EbpfInstruction.LoadWord(Ebpf.R2, Ebpf.R1, 8)));
        Assert.Equal(new byte[] { 0x55, 0x04, 0x03, 0x00, 0x88, 0x00, 0x00, 0x00 }, Bytes(EbpfInstruction.JumpIfNotEqual(Ebpf.R4, 136, 3)));
        Assert.Equal(new byte[] { 0x5d, 0x31, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00 }, Bytes(EbpfInstruction.JumpIfNotEqualRegister(Ebpf.R1, Ebpf.R3, -1)));
        Assert.Equal(new byte[] { 0xb7, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff }, Bytes(EbpfInstruction.MoveImmediate(Ebpf.R0, -1)));
        Assert.Equal(new byte[] { 0x95, 0, 0, 0, 0, 0, 0, 0 }, Bytes(EbpfInstruction.Exit()));
    }

    [Fact]
    public void EbpfInstruction_RegisterBeyondR10_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EbpfInstruction(Ebpf.Alu64 | Ebpf.Mov | Ebpf.X, 11, 0, 0, 0));

    [Fact]
    public void Generate_NoRules_LoadsThenDenies()
    {
        var program = DeviceProgram.Generate([]);

        Assert.Equal(8, program.Length);
        Assert.Equal(EbpfInstruction.MoveImmediate(Ebpf.R0, 0), program[^2]);
        Assert.Equal(EbpfInstruction.Exit(), program[^1]);
    }

    [Fact]
    public void Generate_RwmRuleWithMinor_JumpsSkipToTheNextBlock()
    {
        var program = DeviceProgram.Generate([new DeviceRule(DeviceType.Char, 1, 3, DeviceAccess.All)]);

        // Prologue of 6, then: type, major, minor tests, r0 = 1, exit; then the deny.
        Assert.Equal(
            [
                EbpfInstruction.JumpIfNotEqual(Ebpf.R2, 2, 4),
                EbpfInstruction.JumpIfNotEqual(Ebpf.R4, 1, 3),
                EbpfInstruction.JumpIfNotEqual(Ebpf.R5, 3, 2),
                EbpfInstruction.MoveImmediate(Ebpf.R0, 1),
                EbpfInstruction.Exit(),
            ],
            program[6..11]);
        Assert.Equal(13, program.Length);
    }

    [Fact]
    public void Generate_ReadOnlyAnyMinor_ChecksTheAccessSubsetAndNoMinor()
    {
        var program = DeviceProgram.Generate([new DeviceRule(DeviceType.Block, 8, null, DeviceAccess.Read)]);

        Assert.Equal(
            [
                EbpfInstruction.JumpIfNotEqual(Ebpf.R2, 1, 6),
                EbpfInstruction.Move(Ebpf.R1, Ebpf.R3),
                EbpfInstruction.And32(Ebpf.R1, 2),
                EbpfInstruction.JumpIfNotEqualRegister(Ebpf.R1, Ebpf.R3, 3),
                EbpfInstruction.JumpIfNotEqual(Ebpf.R4, 8, 2),
                EbpfInstruction.MoveImmediate(Ebpf.R0, 1),
                EbpfInstruction.Exit(),
            ],
            program[6..13]);
    }

    [Theory]
    [InlineData(Char, Read, 1, 3, 1)]
    [InlineData(Char, Read | Write, 1, 9, 1)]
    [InlineData(Char, Mknod, 5, 2, 1)]
    [InlineData(Char, Read | Write, 136, 0, 1)]
    [InlineData(Char, Read | Write, 136, 4095, 1)]
    [InlineData(Char, Read, 1, 1, 0)]   // /dev/mem
    [InlineData(Char, Read, 1, 11, 0)]  // /dev/kmsg
    [InlineData(Char, Write, 5, 1, 0)]  // /dev/console
    [InlineData(Char, Mknod, 10, 229, 0)] // /dev/fuse
    [InlineData(Block, Read, 1, 3, 0)]  // a block device with null's numbers
    [InlineData(Block, Read, 254, 0, 0)] // /dev/vda
    [InlineData(Char, Read, 137, 0, 0)]
    public void Generate_Minimal_AllowsExactlyThePolicy(uint type, uint access, uint major, uint minor, long expected)
    {
        var program = DeviceProgram.Generate(DevicePolicy.Minimal);

        Assert.Equal(expected, DeviceProgramInterpreter.Run(program, (access << 16) | type, major, minor));
    }

    [Theory]
    [InlineData(Read, 1)]
    [InlineData(Write, 0)]
    [InlineData(Read | Write, 0)]
    [InlineData(Mknod, 0)]
    public void Generate_ReadOnlyRule_DeniesAnyOtherAccess(uint access, long expected)
    {
        var program = DeviceProgram.Generate([new DeviceRule(DeviceType.Block, 8, 0, DeviceAccess.Read)]);

        Assert.Equal(expected, DeviceProgramInterpreter.Run(program, (access << 16) | Block, 8, 0));
    }

    [Fact]
    public void Tags_AreTheFirstEightBytesOfTheSha256AndTheSha1OfTheInstructions()
    {
        var program = DeviceProgram.Generate(DevicePolicy.Minimal);
#pragma warning disable CA5350 // Older kernels' program tag is SHA-1.
        var sha1 = SHA1.HashData(Bytes(program));
#pragma warning restore CA5350

        Assert.Equal([Convert.ToHexStringLower(SHA256.HashData(Bytes(program))[..8]), Convert.ToHexStringLower(sha1[..8])], DeviceProgram.Tags(program));
    }
}
