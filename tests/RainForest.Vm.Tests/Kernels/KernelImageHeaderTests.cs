using System.Text;
using RainForest.Core;
using RainForest.Vm.Kernels;

namespace RainForest.Vm.Tests.Kernels;

public sealed class KernelImageHeaderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rf-vm-bzimage-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void ReleaseOf_BzImageHeader_ReadsTheVersionString()
    {
        var image = BzImage("6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC", 0x020F);
        Assert.Equal("6.1.0-57-amd64", KernelImage.ReleaseOf(image));
    }

    [Fact]
    public void Verify_BzImage_Passes()
    {
        var dir = Path.Combine(_dir.FullName, "k");
        Directory.CreateDirectory(Path.Combine(dir, "boot"));
        File.Copy(BzImage("6.1.0-57-amd64 #1", 0x020F), Path.Combine(dir, "boot", "vmlinuz-6.1.0-57-amd64"));
        new KernelImage("6.1.0-57-amd64", dir).Verify();
    }

    [Fact]
    public void Verify_OldBootProtocol_Refused()
    {
        var dir = Path.Combine(_dir.FullName, "k");
        Directory.CreateDirectory(Path.Combine(dir, "boot"));
        File.Copy(BzImage("2.6.0 #1", 0x0204), Path.Combine(dir, "boot", "vmlinuz-2.6.0"));
        var e = Assert.Throws<RfException>(() => new KernelImage("2.6.0", dir).Verify());
        Assert.Contains("older than 2.06", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReleaseOf_NotABzImage_OneLineExit2()
    {
        var file = Path.Combine(_dir.FullName, "text");
        File.WriteAllText(file, new string('x', 4096));
        var e = Assert.Throws<RfException>(() => KernelImage.ReleaseOf(file));
        Assert.Equal(2, e.ExitCode);
        Assert.Contains("not a Linux bzImage", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReleaseOf_Missing_SaysSo() =>
        Assert.Contains("does not exist", Assert.Throws<RfException>(() => KernelImage.ReleaseOf(Path.Combine(_dir.FullName, "none"))).Message, StringComparison.Ordinal);

    // A file with the boot protocol's header fields: HdrS at 0x202, the version at 0x206, and kernel_version at 0x20E
    // pointing (less 0x200) at the version string.
    private string BzImage(string version, int protocol)
    {
        var bytes = new byte[0x1000];
        "HdrS"u8.CopyTo(bytes.AsSpan(0x202));
        BitConverter.GetBytes((ushort)protocol).CopyTo(bytes, 0x206);
        BitConverter.GetBytes((ushort)0x600).CopyTo(bytes, 0x20E);
        Encoding.ASCII.GetBytes(version + "\0").CopyTo(bytes, 0x800);
        var path = Path.Combine(_dir.FullName, $"bz-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
