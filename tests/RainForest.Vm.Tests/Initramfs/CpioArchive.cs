using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace RainForest.Vm.Tests.Initramfs;

/// <summary>A newc reader written from the format's description, independent of the writer under test.</summary>
internal static class CpioArchive
{
    public static List<CpioEntry> Read(byte[] archive)
    {
        var entries = new List<CpioEntry>();
        var at = 0;
        while (true)
        {
            Assert.True(at % 4 == 0, $"header at {at} is not 4-byte aligned");
            Assert.Equal("070701", Encoding.ASCII.GetString(archive, at, 6));
            uint Field(int index) => uint.Parse(Encoding.ASCII.GetString(archive, at + 6 + (index * 8), 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var entry = new CpioEntry(
                Inode: Field(0), Mode: Field(1), Uid: Field(2), Gid: Field(3), Links: Field(4), MTime: Field(5),
                RdevMajor: Field(9), RdevMinor: Field(10), Name: string.Empty, Data: []);
            var size = (int)Field(6);
            var nameSize = (int)Field(11);
            Assert.Equal(0u, Field(12));
            Assert.Equal(0, archive[at + 110 + nameSize - 1]);
            var name = Encoding.UTF8.GetString(archive, at + 110, nameSize - 1);
            var data = at + Align(110 + nameSize);
            entry = entry with { Name = name, Data = archive[data..(data + size)] };
            at = data + Align(size);
            if (name == "TRAILER!!!")
            {
                Assert.Equal(archive.Length, at);
                return entries;
            }

            entries.Add(entry);
        }
    }

    public static List<CpioEntry> ReadGzip(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        return Read(plain.ToArray());
    }

    private static int Align(int n) => (n + 3) & ~3;
}
