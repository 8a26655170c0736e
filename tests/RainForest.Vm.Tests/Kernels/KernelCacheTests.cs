using RainForest.Core;
using RainForest.Vm.Kernels;

namespace RainForest.Vm.Tests.Kernels;

public sealed class KernelCacheTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rf-vm-cache-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void List_CompleteReleases_NewestFirstIgnoringPartialOnes()
    {
        Unpacked("6.1.0-9-amd64");
        Unpacked("6.1.0-57-amd64");
        Unpacked("6.1.0-10-amd64");
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "half", "lib", "modules", "6.2.0-1-amd64"));
        Unpacked(".unpack-0123", "6.9.0-1-amd64");

        var cache = new KernelCache(_dir.FullName);
        Assert.Equal(["6.1.0-57-amd64", "6.1.0-10-amd64", "6.1.0-9-amd64"], cache.List().Select(k => k.Release));
        Assert.Equal("6.1.0-57-amd64", cache.Ensure().Release);
        Assert.Null(cache.Find("6.2.0-1-amd64"));
    }

    [Fact]
    public void Open_Unpacked_PathsOfImageModulesAndSource()
    {
        var dir = Unpacked("6.1.0-57-amd64");
        File.WriteAllText(Path.Combine(dir, KernelImage.SourceFileName), "linux-image-6.1.0-57-amd64 6.1.192-3\n");
        var image = KernelImage.Open(dir);
        Assert.Equal(Path.Combine(dir, "boot", "vmlinuz-6.1.0-57-amd64"), image.VmlinuzPath);
        Assert.Equal(Path.Combine(dir, "lib", "modules", "6.1.0-57-amd64"), image.ModulesDirectory);
        Assert.Equal("linux-image-6.1.0-57-amd64 6.1.192-3", image.Source);
    }

    [Fact]
    public void Open_NoModulesDep_SaysDepmod()
    {
        var dir = Unpacked("6.1.0-57-amd64");
        File.Delete(Path.Combine(dir, "lib", "modules", "6.1.0-57-amd64", "modules.dep"));
        Assert.Contains("depmod", Assert.Throws<RfException>(() => KernelImage.Open(dir)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("linux-headers-amd64")]
    [InlineData("linux-image-amd64; rm -rf /")]
    [InlineData("-o=linux-image-x")]
    [InlineData("")]
    public void Fetch_NotAKernelPackage_InvalidBeforeAnyDownload(string package)
    {
        var error = Assert.Throws<RfException>(() => new KernelCache(_dir.FullName).Fetch(package));
        Assert.Equal(RfException.InvalidInputExitCode, error.ExitCode);
        Assert.Empty(_dir.GetFileSystemInfos());
    }

    [Fact]
    public void List_NoCacheDirectory_Empty() =>
        Assert.Empty(new KernelCache(Path.Combine(_dir.FullName, "nosuch")).List());

    private string Unpacked(string release) => Unpacked(release, release);

    private string Unpacked(string name, string release)
    {
        var dir = Path.Combine(_dir.FullName, name);
        Directory.CreateDirectory(Path.Combine(dir, "boot"));
        File.WriteAllText(Path.Combine(dir, "boot", $"vmlinuz-{release}"), "image");
        var modules = Path.Combine(dir, "lib", "modules", release);
        Directory.CreateDirectory(modules);
        File.WriteAllText(Path.Combine(modules, "modules.dep"), string.Empty);
        return dir;
    }
}
