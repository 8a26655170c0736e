using System.Text;
using RainForest.Vm.Initramfs;

namespace RainForest.Vm.Tests.Initramfs;

public sealed class CpioNewcWriterTests
{
    [Fact]
    public void WriteFile_OneFile_ExactBytesOfTheFormat()
    {
        using var output = new MemoryStream();
        using (var cpio = new CpioNewcWriter(output, leaveOpen: true))
        {
            cpio.WriteFile("init", "hi\n"u8, 0x1ED);
        }

        // Header of 110 bytes: magic, ino 1, mode 0100755, uid 0, gid 0, nlink 1, mtime 0, size 3,
        // dev 0:0, rdev 0:0, namesize 5 ("init" + NUL), check 0; name padded to 116, data to 120.
        var expected = new StringBuilder()
            .Append("070701").Append("00000001").Append("000081ED").Append("00000000").Append("00000000")
            .Append("00000001").Append("00000000").Append("00000003").Append("00000000").Append("00000000")
            .Append("00000000").Append("00000000").Append("00000005").Append("00000000")
            .Append("init\0").Append('\0', 1)
            .Append("hi\n").Append('\0', 1)
            .ToString();
        var bytes = output.ToArray();
        Assert.Equal(expected, Encoding.ASCII.GetString(bytes, 0, expected.Length));
        Assert.Equal(120, expected.Length);

        // The trailer: another header, "TRAILER!!!" + NUL (121 bytes in all), padded to 124.
        Assert.Equal("TRAILER!!!\0", Encoding.ASCII.GetString(bytes, 120 + 110, 11));
        Assert.Equal(244, bytes.Length);
        Assert.Single(CpioArchive.Read(bytes));
    }

    [Fact]
    public void Finish_EveryKind_ReadsBackWithTypesModesAndData()
    {
        using var output = new MemoryStream();
        using (var cpio = new CpioNewcWriter(output, leaveOpen: true) { ModificationTime = 1234 })
        {
            cpio.WriteDirectory("bin");
            cpio.WriteFile("bin/tool", new byte[] { 1, 2, 3, 4, 5 }, 0x1ED);
            cpio.WriteSymlink("bin/sh", "tool");
            cpio.WriteCharacterDevice("/dev/console", 5, 1);
            using var content = new MemoryStream(Encoding.UTF8.GetBytes("from a stream, longer than one line"));
            cpio.WriteFile("./etc//motd", content, content.Length);
        }

        var entries = CpioArchive.Read(output.ToArray());
        Assert.Equal(["bin", "bin/tool", "bin/sh", "dev/console", "etc/motd"], entries.Select(e => e.Name));
        Assert.Equal([0x4000u, 0x8000u, 0xA000u, 0x2000u, 0x8000u], entries.Select(e => e.Type));
        Assert.Equal([0x1EDu, 0x1EDu, 0x1FFu, 0x180u, 0x1A4u], entries.Select(e => e.Permissions));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, entries[1].Data);
        Assert.Equal("tool", entries[2].Text);
        Assert.Equal((5u, 1u), (entries[3].RdevMajor, entries[3].RdevMinor));
        Assert.Equal("from a stream, longer than one line", entries[4].Text);
        Assert.All(entries, e => Assert.Equal((0u, 0u, 1234u), (e.Uid, e.Gid, e.MTime)));
        Assert.Equal(entries.Count, entries.Select(e => e.Inode).Distinct().Count());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void WriteFile_EveryLengthModuloFour_KeepsEntriesAligned(int length)
    {
        using var output = new MemoryStream();
        using (var cpio = new CpioNewcWriter(output, leaveOpen: true))
        {
            cpio.WriteFile("a", new byte[length]);
            cpio.WriteFile("bc", new byte[length + 1]);
        }

        var entries = CpioArchive.Read(output.ToArray());
        Assert.Equal([length, length + 1], entries.Select(e => e.Data.Length));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("./.")]
    [InlineData("a/../b")]
    [InlineData("a\0b")]
    public void NormalisePath_RootDotDotOrNul_Throws(string path) =>
        Assert.Throws<ArgumentException>(() => CpioNewcWriter.NormalisePath(path));

    [Fact]
    public void WriteFile_StreamShorterThanLength_Throws()
    {
        using var cpio = new CpioNewcWriter(new MemoryStream());
        Assert.Throws<EndOfStreamException>(() => cpio.WriteFile("x", new MemoryStream(new byte[3]), 4));
    }

    [Fact]
    public void WriteDirectory_PermissionsWithTypeBits_Throws()
    {
        using var cpio = new CpioNewcWriter(new MemoryStream());
        Assert.Throws<ArgumentOutOfRangeException>(() => cpio.WriteDirectory("d", 0x41ED));
    }

    [Fact]
    public void WriteFile_AfterFinish_Throws()
    {
        using var cpio = new CpioNewcWriter(new MemoryStream());
        cpio.Finish();
        Assert.Throws<ObjectDisposedException>(() => cpio.WriteFile("late", "x"u8));
    }
}
