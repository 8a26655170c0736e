using RainForest.Core;
using RainForest.Vm.Initramfs;

namespace RainForest.Vm.Tests.Initramfs;

public sealed class ModuleDependenciesTests
{
    private static readonly string s_fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "6.1.0-57-amd64");

    [Fact]
    public void LoadOrder_GuestBootModules_EachAfterWhatItNeeds()
    {
        var table = ModuleDependencies.Load(s_fixture);
        var order = table.LoadOrder(["virtio_pci", "9pnet_virtio", "9p", "overlay"]);
        Assert.Equal(
        [
            "kernel/drivers/virtio/virtio_ring.ko",
            "kernel/drivers/virtio/virtio.ko",
            "kernel/drivers/virtio/virtio_pci_modern_dev.ko",
            "kernel/drivers/virtio/virtio_pci_legacy_dev.ko",
            "kernel/drivers/virtio/virtio_pci.ko",
            "kernel/net/9p/9pnet.ko",
            "kernel/net/9p/9pnet_virtio.ko",
            "kernel/fs/netfs/netfs.ko",
            "kernel/fs/fscache/fscache.ko",
            "kernel/fs/9p/9p.ko",
            "kernel/fs/overlayfs/overlay.ko",
        ], order);
    }

    [Fact]
    public void LoadOrder_SharedDependencies_LoadedOnce()
    {
        var table = ModuleDependencies.Load(s_fixture);
        var order = table.LoadOrder(["nft_meta_bridge", "bridge", "nf_tables"]);
        Assert.Equal(order.Distinct().Count(), order.Count);
        Assert.Equal("kernel/net/bridge/netfilter/nft_meta_bridge.ko", order[^1]);
        AssertBefore(order, "kernel/net/llc/llc.ko", "kernel/net/802/stp.ko");
        AssertBefore(order, "kernel/net/802/stp.ko", "kernel/net/bridge/bridge.ko");
        AssertBefore(order, "kernel/lib/libcrc32c.ko", "kernel/net/netfilter/nf_tables.ko");
        AssertBefore(order, "kernel/net/netfilter/nfnetlink.ko", "kernel/net/netfilter/nf_tables.ko");
    }

    [Theory]
    [InlineData("virtio-rng", "kernel/drivers/char/hw_random/virtio-rng.ko")]
    [InlineData("virtio_rng", "kernel/drivers/char/hw_random/virtio-rng.ko")]
    [InlineData("kernel/net/9p/9pnet.ko", "kernel/net/9p/9pnet.ko")]
    [InlineData("9pnet.ko", "kernel/net/9p/9pnet.ko")]
    public void PathOf_DashUnderscoreAndPathForms_SameModule(string name, string path) =>
        Assert.Equal(path, ModuleDependencies.Load(s_fixture).PathOf(name));

    [Fact]
    public void LoadOrder_BuiltinModule_LeftOut()
    {
        var table = ModuleDependencies.Load(s_fixture);
        Assert.True(table.IsBuiltin("unix"));
        Assert.Equal(["kernel/drivers/net/veth.ko"], table.LoadOrder(["unix", "veth"]));
    }

    [Fact]
    public void LoadOrder_UnknownModule_OneLineFailure()
    {
        var error = Assert.Throws<RfException>(() => ModuleDependencies.Load(s_fixture).LoadOrder(["overlay", "nosuch"]));
        Assert.Equal("module nosuch: neither in modules.dep nor built into the kernel", error.Message);
    }

    [Fact]
    public void LoadOrder_DependencyWithoutALine_Throws()
    {
        var table = ModuleDependencies.Parse("kernel/a.ko: kernel/b.ko\n");
        Assert.Contains("kernel/b.ko, which has no line", Assert.Throws<RfException>(() => table.LoadOrder(["a"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrder_Cycle_ThrowsInsteadOfLooping()
    {
        var table = ModuleDependencies.Parse("kernel/a.ko: kernel/b.ko\nkernel/b.ko: kernel/a.ko\n");
        Assert.Contains("depends on itself", Assert.Throws<RfException>(() => table.LoadOrder(["a"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LineWithoutColon_FormatException() =>
        Assert.Throws<FormatException>(() => ModuleDependencies.Parse("kernel/a.ko kernel/b.ko\n"));

    [Fact]
    public void Load_DirectoryWithoutModulesDep_SaysDepmod()
    {
        var dir = Directory.CreateTempSubdirectory("rf-vm-test-");
        try
        {
            Assert.Contains("run depmod", Assert.Throws<RfException>(() => ModuleDependencies.Load(dir.FullName)).Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("kernel/fs/9p/9p.ko", "9p")]
    [InlineData("kernel/drivers/char/hw_random/virtio-rng.ko.xz", "virtio_rng")]
    [InlineData("nf_tables.ko.zst", "nf_tables")]
    [InlineData("snd-hda-intel", "snd_hda_intel")]
    public void NameOf_PathsAndCompressedSuffixes_ModprobeName(string path, string name) =>
        Assert.Equal(name, ModuleDependencies.NameOf(path));

    private static void AssertBefore(IReadOnlyList<string> order, string first, string then) =>
        Assert.True(order.ToList().IndexOf(first) is var i && i >= 0 && i < order.ToList().IndexOf(then), $"{first} must load before {then}: {string.Join(", ", order)}");
}
