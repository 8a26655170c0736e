using RainForest.Vm.Initramfs;

namespace RainForest.Vm.Tests.Initramfs;

public sealed class InitramfsBuilderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rf-vm-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void WriteTo_NestedFiles_ParentsFirstAndGzipped()
    {
        var host = Path.Combine(_dir.FullName, "tool");
        File.WriteAllBytes(host, [7, 7, 7]);
        using var output = new MemoryStream();
        new InitramfsBuilder()
            .AddText("init", "#!/bin/sh\n", 0x1ED)
            .AddHostFile("usr/lib/deep/tool", host, 0x1ED)
            .AddSymlink("bin/sh", "busybox")
            .AddCharacterDevice("dev/console", 5, 1)
            .WriteTo(output);

        var entries = CpioArchive.ReadGzip(output.ToArray());
        Assert.Equal(["bin", "bin/sh", "dev", "dev/console", "init", "usr", "usr/lib", "usr/lib/deep", "usr/lib/deep/tool"], entries.Select(e => e.Name));
        Assert.Equal(new byte[] { 7, 7, 7 }, entries.Single(e => e.Name == "usr/lib/deep/tool").Data);
        Assert.All(entries.Where(e => e.Type == 0x4000), e => Assert.Equal(0x1EDu, e.Permissions));
    }

    [Fact]
    public void AddModules_Fixture_CopiesTheClosureUnderLibModulesInLoadOrder()
    {
        // A modules tree with the fixture's modules.dep and one small file per module it names.
        var release = "6.1.0-57-amd64";
        var modules = Path.Combine(_dir.FullName, release);
        Directory.CreateDirectory(modules);
        var fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", release);
        File.Copy(Path.Combine(fixture, "modules.dep"), Path.Combine(modules, "modules.dep"));
        foreach (var line in File.ReadAllLines(Path.Combine(modules, "modules.dep")))
        {
            var module = Path.Combine(modules, line[..line.IndexOf(':', StringComparison.Ordinal)]);
            Directory.CreateDirectory(Path.GetDirectoryName(module)!);
            File.WriteAllText(module, Path.GetFileName(module));
        }

        var builder = new InitramfsBuilder();
        var order = builder.AddModules(modules, release, ["9p"]);
        Assert.Equal(
        [
            $"lib/modules/{release}/kernel/fs/netfs/netfs.ko",
            $"lib/modules/{release}/kernel/fs/fscache/fscache.ko",
            $"lib/modules/{release}/kernel/net/9p/9pnet.ko",
            $"lib/modules/{release}/kernel/fs/9p/9p.ko",
        ], order);
        using var output = new MemoryStream();
        builder.WriteTo(output);
        var files = CpioArchive.ReadGzip(output.ToArray()).Where(e => e.Type == 0x8000).ToDictionary(e => e.Name, e => e.Text);
        Assert.Equal(order.Order(StringComparer.Ordinal), files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("9p.ko", files[$"lib/modules/{release}/kernel/fs/9p/9p.ko"]);
    }

    [Fact]
    public void AddText_SamePathTwice_LastOneWins()
    {
        using var output = new MemoryStream();
        new InitramfsBuilder().AddText("etc/x", "first").AddText("/etc/x", "second").WriteTo(output);
        Assert.Equal("second", CpioArchive.ReadGzip(output.ToArray()).Single(e => e.Name == "etc/x").Text);
    }

    [Fact]
    public void AddHostFile_Missing_Throws() =>
        Assert.Throws<FileNotFoundException>(() => new InitramfsBuilder().AddHostFile("x", Path.Combine(_dir.FullName, "nosuch")));
}
