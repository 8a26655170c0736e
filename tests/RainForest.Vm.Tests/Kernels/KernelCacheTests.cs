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

    [DebToolsFact]
    public void Install_KernelImagePackage_UnpackedWithModulesDepAndSourceAndWithoutUsr()
    {
        var deb = FakeKernelPackage("9.9.9-1-test");
        var logged = new List<string>();
        var cache = new KernelCache(Path.Combine(_dir.FullName, "cache"));

        var image = cache.Install(deb, logged.Add);

        Assert.Equal("9.9.9-1-test", image.Release);
        Assert.Equal(Path.Combine(cache.Root, "9.9.9-1-test"), image.Directory);
        Assert.Equal("linux-image-9.9.9-1-test 9.9.9-1", image.Source);
        Assert.Equal("kernel/fs/a.ko:", File.ReadAllText(Path.Combine(image.ModulesDirectory, "modules.dep")).Trim());
        Assert.False(Directory.Exists(Path.Combine(image.Directory, "usr")));
        Assert.Equal(["9.9.9-1-test"], Directory.GetFileSystemEntries(cache.Root).Select(Path.GetFileName));

        // A second install of the same release keeps the first.
        Assert.Equal(image, cache.Install(deb, logged.Add));
        Assert.Contains(logged, l => l.Contains("already in", StringComparison.Ordinal));
    }

    [DebToolsFact]
    public void Install_PackageWithoutModules_FailsAndLeavesNothing()
    {
        var deb = FakeKernelPackage("9.9.9-1-test", withModules: false);
        var cache = new KernelCache(Path.Combine(_dir.FullName, "cache"));
        Assert.Contains("not a kernel image package", Assert.Throws<RfException>(() => cache.Install(deb)).Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(cache.Root));
    }

    [Fact]
    public void Install_MissingFile_Invalid() =>
        Assert.Equal(RfException.InvalidInputExitCode, Assert.Throws<RfException>(() => new KernelCache(_dir.FullName).Install(Path.Combine(_dir.FullName, "nosuch.deb"))).ExitCode);

    [Fact]
    public void List_NoCacheDirectory_Empty() =>
        Assert.Empty(new KernelCache(Path.Combine(_dir.FullName, "nosuch")).List());

    // A package laid out as Debian's kernel images are: the image, a module tree, documentation.
    // depmod takes a module it cannot parse as one without dependencies, which is all this test needs.
    private string FakeKernelPackage(string release, bool withModules = true)
    {
        var package = Path.Combine(_dir.FullName, "package");
        Directory.CreateDirectory(Path.Combine(package, "DEBIAN"));
        Directory.CreateDirectory(Path.Combine(package, "boot"));
        Directory.CreateDirectory(Path.Combine(package, "usr", "share", "doc", $"linux-image-{release}"));
        File.WriteAllText(Path.Combine(package, "boot", $"vmlinuz-{release}"), "image");
        if (withModules)
        {
            Directory.CreateDirectory(Path.Combine(package, "lib", "modules", release, "kernel", "fs"));
            File.WriteAllText(Path.Combine(package, "lib", "modules", release, "kernel", "fs", "a.ko"), "not an ELF file");
        }

        File.WriteAllText(Path.Combine(package, "DEBIAN", "control"), $"Package: linux-image-{release}\nVersion: 9.9.9-1\nArchitecture: amd64\nMaintainer: RainForest tests <tests@localhost>\nDescription: a fake kernel image\n");
        var deb = Path.Combine(_dir.FullName, $"linux-image-{release}_9.9.9-1_amd64.deb");
        using var build = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dpkg-deb", ["--build", "-Zgzip", package, deb]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        build.WaitForExit();
        Assert.Equal(0, build.ExitCode);
        return deb;
    }

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
