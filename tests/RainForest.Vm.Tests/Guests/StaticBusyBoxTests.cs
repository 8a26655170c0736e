using System.Buffers.Binary;
using RainForest.Core;
using RainForest.Vm.Guests;

namespace RainForest.Vm.Tests.Guests;

public sealed class StaticBusyBoxTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rf-vm-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData(new uint[] { 6, 1, 1 }, true)]    // PHDR, LOAD, LOAD: static
    [InlineData(new uint[] { 6, 3, 1, 2 }, false)] // with INTERP: dynamic
    [InlineData(new uint[0], true)]
    public void IsStatic_ProgramHeaders_InterpMeansDynamic(uint[] types, bool isStatic) =>
        Assert.Equal(isStatic, StaticBusyBox.IsStatic(Elf(types)));

    [Fact]
    public void IsStatic_ThisProcessHost_IsDynamic() =>
        Assert.False(StaticBusyBox.IsStatic(Environment.ProcessPath!));

    [Fact]
    public void IsStatic_NotElf_Invalid()
    {
        var path = Path.Combine(_dir.FullName, "script");
        File.WriteAllText(path, "#!/bin/sh\n" + new string('x', 100));
        Assert.Equal(RfException.InvalidInputExitCode, Assert.Throws<RfException>(() => StaticBusyBox.IsStatic(path)).ExitCode);
    }

    // An ELF64 little-endian header with program headers of the given types right after it.
    private string Elf(uint[] types)
    {
        var bytes = new byte[64 + (56 * types.Length)];
        "\u007fELF"u8.CopyTo(bytes);
        bytes[4] = 2;
        bytes[5] = 1;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(0x20), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x36), 56);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x38), (ushort)types.Length);
        for (var i = 0; i < types.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(64 + (56 * i)), types[i]);
        }

        var path = Path.Combine(_dir.FullName, $"elf-{string.Join('-', types)}");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
